package io.toolgate.streaming.upstream;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.context.ContextView;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link ModelClient} for any OpenAI-compatible chat-completions API, over Spring's
 * {@link WebClient} on Reactor Netty.
 * <p>
 * {@link #stream} posts to {@code {baseUrl}/chat/completions} with {@code stream: true}
 * and {@code stream_options.include_usage: true}, parses the SSE body incrementally and
 * emits a {@link ModelEvent.Token} per text fragment the moment its chunk arrives.
 * Tool-call fragments are assembled by a {@link ToolCallAssembler}; {@code [DONE]} emits
 * the single {@link ModelEvent.Completed}. A stream that ends without {@code [DONE]} is
 * accepted when a finish reason was seen, and is otherwise a {@link Kind#STREAM_CUT}.
 * Toolgate's {@code conversation_id} extension is never sent upstream.
 * <p>
 * Errors are {@link UpstreamException}s: 429 is {@link Kind#RATE_LIMITED}, other 4xx
 * {@link Kind#CLIENT_ERROR} and 5xx {@link Kind#SERVER_ERROR}, each with the upstream's
 * {@code error.message} when its body has one; an unreachable host is
 * {@link Kind#CONNECT}; an undecodable or oversized event is {@link Kind#MALFORMED}; an
 * in-stream {@code {"error":...}} event is {@link Kind#SERVER_ERROR}. Timeouts count SSE
 * events (comment keep-alives do not reset them): none within {@code firstTokenTimeout}
 * of subscription is {@link Kind#FIRST_TOKEN_TIMEOUT}, a gap over {@code idleTimeout} is
 * {@link Kind#IDLE_TIMEOUT}. A non-streaming call over {@code requestTimeout} is also
 * reported as {@link Kind#FIRST_TOKEN_TIMEOUT}, since its whole response is its first
 * token.
 * <p>
 * Cancelling a subscription closes the HTTP exchange. Nothing is retried here:
 * {@link UpstreamException#isRetryable()} tells the caller whether it may. Instances are
 * thread-safe.
 * <p>
 * The work is done by package-private collaborators, one job each:
 * {@code ChatCompletionsEndpoint} (connection pool, request body and headers),
 * {@code StreamingCall} with a {@code StreamState} per stream (SSE frames to events, the
 * timeouts' watchdog), {@code CompletionCall} (the non-streaming call) and
 * {@code UpstreamErrors} (failures to {@link UpstreamException}s).
 */
public final class OpenAiModelClient implements ModelClient, AutoCloseable {

	private final OpenAiClientSettings settings;

	private final ChatCompletionsEndpoint endpoint;

	private final StreamingCall streaming;

	private final CompletionCall completion;

	/**
	 * Creates a client with its own Reactor Netty connector.
	 * @param settings the settings
	 * @param jsonMapper the mapper, used as given: {@link StreamingJson#mapper()} or a
	 * mapper made once by {@link StreamingJson#adapt}
	 */
	public OpenAiModelClient(OpenAiClientSettings settings, JsonMapper jsonMapper) {
		this(settings, jsonMapper, WebClient.builder());
	}

	/**
	 * Creates a client from a {@link WebClient.Builder} (for instance one with
	 * observation configured). The builder is cloned, and its connector and codec size
	 * limit are replaced by ones built from {@code settings}.
	 * @param settings the settings
	 * @param jsonMapper the mapper, used as given: {@link StreamingJson#mapper()} or a
	 * mapper made once by {@link StreamingJson#adapt}
	 * @param webClientBuilder the builder to start from; not changed
	 * @throws IllegalArgumentException if the mapper lacks the streaming settings
	 */
	public OpenAiModelClient(OpenAiClientSettings settings, JsonMapper jsonMapper, WebClient.Builder webClientBuilder) {
		this(settings, jsonMapper, webClientBuilder, (headers, context) -> {
		});
	}

	/**
	 * Creates a client from a {@link WebClient.Builder} whose requests also get headers
	 * from the Reactor context of each call, such as the caller's trace context.
	 * @param settings the settings
	 * @param jsonMapper the mapper, used as given: {@link StreamingJson#mapper()} or a
	 * mapper made once by {@link StreamingJson#adapt}
	 * @param webClientBuilder the builder to start from; not changed
	 * @param contextHeaders adds headers from the context a call is subscribed with
	 * @throws IllegalArgumentException if the mapper lacks the streaming settings
	 */
	public OpenAiModelClient(OpenAiClientSettings settings, JsonMapper jsonMapper, WebClient.Builder webClientBuilder,
			ContextHeaders contextHeaders) {
		this.settings = settings;
		JsonMapper mapper = StreamingJson.requireSettings(jsonMapper);
		UpstreamErrors errors = new UpstreamErrors(settings, mapper);
		this.endpoint = new ChatCompletionsEndpoint(settings, mapper, webClientBuilder, contextHeaders, errors);
		this.streaming = new StreamingCall(settings, mapper, this.endpoint, errors);
		this.completion = new CompletionCall(settings, mapper, this.endpoint, errors);
	}

	/** Returns the settings. */
	public OpenAiClientSettings settings() {
		return this.settings;
	}

	/**
	 * Closes the client's connection pool; calls made afterwards fail. Does not block.
	 */
	@Override
	public void close() {
		this.endpoint.close();
	}

	@Override
	public Flux<ModelEvent> stream(ChatCompletionRequest request) {
		return this.streaming.stream(request);
	}

	@Override
	public Mono<ChatCompletionResponse> complete(ChatCompletionRequest request) {
		return this.completion.complete(request);
	}

	@Override
	public String providerName() {
		return "openai";
	}

	/**
	 * Adds headers to an upstream request from the Reactor context of its call, e.g. a
	 * W3C trace context.
	 */
	@FunctionalInterface
	public interface ContextHeaders {

		/**
		 * Adds headers.
		 * @param headers the request's headers
		 * @param context the context the call was subscribed with
		 */
		void addTo(HttpHeaders headers, ContextView context);

	}

}
