package io.toolgate.streaming.upstream;

import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.springframework.http.MediaType;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The non-streaming call of an {@link OpenAiModelClient}: posts with
 * {@code stream: false}, decodes the one JSON response, which must have a choice, and
 * bounds the whole call by the request timeout. Thread-safe.
 */
final class CompletionCall {

	private final OpenAiClientSettings settings;

	private final ChatCompletionsEndpoint endpoint;

	private final UpstreamErrors errors;

	private final ObjectReader responses;

	CompletionCall(OpenAiClientSettings settings, JsonMapper jsonMapper, ChatCompletionsEndpoint endpoint,
			UpstreamErrors errors) {
		this.settings = settings;
		this.endpoint = endpoint;
		this.errors = errors;
		// Deserializers are built under a lock on first use; built here, reads on event
		// loops never wait for it.
		this.responses = jsonMapper.readerFor(ChatCompletionResponse.class);
	}

	/** See {@link OpenAiModelClient#complete}. */
	Mono<ChatCompletionResponse> complete(ChatCompletionRequest request) {
		return Mono
			.deferContextual((context) -> this.endpoint.post(request, false, MediaType.APPLICATION_JSON, context)
				.bodyToMono(byte[].class))
			.map(this::decodeResponse)
			.timeout(this.settings.requestTimeout())
			.onErrorMap(this.errors::ofCompletion);
	}

	private ChatCompletionResponse decodeResponse(byte[] body) {
		try {
			ChatCompletionResponse response = this.responses.readValue(body);
			if (response.choices() == null || response.choices().isEmpty()) {
				throw new UpstreamException(Kind.MALFORMED, 0, "upstream response has no choices", null);
			}
			return response;
		}
		catch (JacksonException ex) {
			throw new UpstreamException(Kind.MALFORMED, 0, "upstream response is not a chat completion", ex);
		}
	}

}
