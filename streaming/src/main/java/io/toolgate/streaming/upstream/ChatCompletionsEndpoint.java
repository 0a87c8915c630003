package io.toolgate.streaming.upstream;

import java.time.Duration;

import io.netty.channel.ChannelOption;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.ContextView;
import tools.jackson.databind.ObjectWriter;
import tools.jackson.databind.json.JsonMapper;

/**
 * The upstream's {@code /chat/completions} endpoint, reached over a {@link WebClient} on
 * a Reactor Netty connection pool of its own. It writes the request as the upstream is to
 * see it (the stream flags set, Toolgate's {@code conversation_id} dropped), adds the
 * bearer key and the headers taken from the call's context, and turns an HTTP error
 * status into an {@link UpstreamException} (see {@link UpstreamErrors#statusError}).
 * Thread-safe.
 */
final class ChatCompletionsEndpoint {

	private final OpenAiClientSettings settings;

	private final ObjectWriter requests;

	private final OpenAiModelClient.ContextHeaders contextHeaders;

	private final UpstreamErrors errors;

	private final ConnectionProvider connections;

	private final WebClient webClient;

	/**
	 * Creates the endpoint and its connection pool.
	 * @param settings the URL, key, timeouts and bounds
	 * @param jsonMapper writes the request body
	 * @param webClientBuilder cloned; its connector and codec size limit are replaced
	 * @param contextHeaders adds headers from the context a call is subscribed with
	 * @param errors maps an error status
	 */
	ChatCompletionsEndpoint(OpenAiClientSettings settings, JsonMapper jsonMapper, WebClient.Builder webClientBuilder,
			OpenAiModelClient.ContextHeaders contextHeaders, UpstreamErrors errors) {
		this.settings = settings;
		// Its serializer found once, not looked up again per call.
		this.requests = jsonMapper.writerFor(ChatCompletionRequest.class);
		this.contextHeaders = contextHeaders;
		this.errors = errors;
		// A pool of its own: the shared default pool holds only 16 connections on two
		// cores, which caps a
		// streaming gateway at a few hundred calls per second.
		this.connections = ConnectionProvider.builder("toolgate-upstream")
			.maxConnections(settings.maxConnections())
			.pendingAcquireMaxCount(settings.maxConnections() * 4)
			.pendingAcquireTimeout(settings.connectTimeout())
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		HttpClient httpClient = HttpClient.create(this.connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
					(int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()));
		this.webClient = webClientBuilder.clone()
			.clientConnector(new ReactorClientHttpConnector(httpClient))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(settings.maxEventBytes()))
			.build();
	}

	/**
	 * Writes the request body now, and returns the exchange that posts it when its body
	 * is subscribed to.
	 * @param request the request as the caller made it
	 * @param stream whether to ask for a stream (with usage) or for one JSON response
	 * @param accept the media type accepted
	 * @param context the call's context, for {@link OpenAiModelClient.ContextHeaders}
	 * @return the response spec; an error status surfaces as an {@link UpstreamException}
	 */
	WebClient.ResponseSpec post(ChatCompletionRequest request, boolean stream, MediaType accept, ContextView context) {
		byte[] body = this.requests.writeValueAsBytes(upstreamRequest(request, stream));
		return this.webClient.post()
			.uri(this.settings.chatCompletionsUrl())
			.contentType(MediaType.APPLICATION_JSON)
			.accept(accept)
			.headers((headers) -> {
				authorize(headers);
				this.contextHeaders.addTo(headers, context);
			})
			.bodyValue(body)
			.retrieve()
			.onStatus(HttpStatusCode::isError, this.errors::statusError);
	}

	/** Closes the connection pool; posts made afterwards fail. Does not block. */
	void close() {
		this.connections.dispose();
	}

	private void authorize(HttpHeaders headers) {
		if (this.settings.hasApiKey()) {
			headers.setBearerAuth(this.settings.apiKey().strip());
		}
	}

	private static ChatCompletionRequest upstreamRequest(ChatCompletionRequest request, boolean stream) {
		return new ChatCompletionRequest(request.model(), request.messages(), stream,
				stream ? new ChatCompletionRequest.StreamOptions(true) : null, request.tools(), request.toolChoice(),
				request.parallelToolCalls(), request.temperature(), request.maxTokens(), request.maxCompletionTokens(),
				request.user(), null);
	}

}
