package io.toolgate.streaming.upstream;

import java.time.Duration;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelOption;
import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.ContextView;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * A {@link ModelClient} for any OpenAI-compatible chat-completions API, over Spring's {@link WebClient} on
 * Reactor Netty.
 * <p>
 * {@link #stream} posts to {@code {baseUrl}/chat/completions} with {@code stream: true} and
 * {@code stream_options.include_usage: true}, parses the SSE body incrementally and emits a
 * {@link ModelEvent.Token} per text fragment the moment its chunk arrives. Tool-call fragments are assembled
 * by a {@link ToolCallAssembler}; {@code [DONE]} emits the single {@link ModelEvent.Completed}. A stream that
 * ends without {@code [DONE]} is accepted when a finish reason was seen, and is otherwise a
 * {@link Kind#STREAM_CUT}. Toolgate's {@code conversation_id} extension is never sent upstream.
 * <p>
 * Errors are {@link UpstreamException}s: 429 is {@link Kind#RATE_LIMITED}, other 4xx {@link Kind#CLIENT_ERROR}
 * and 5xx {@link Kind#SERVER_ERROR}, each with the upstream's {@code error.message} when its body has one; an
 * unreachable host is {@link Kind#CONNECT}; an undecodable or oversized event is {@link Kind#MALFORMED}; an
 * in-stream {@code {"error":...}} event is {@link Kind#SERVER_ERROR}. Timeouts count SSE events (comment
 * keep-alives do not reset them): none within {@code firstTokenTimeout} of subscription is
 * {@link Kind#FIRST_TOKEN_TIMEOUT}, a gap over {@code idleTimeout} is {@link Kind#IDLE_TIMEOUT}. A
 * non-streaming call over {@code requestTimeout} is also reported as {@link Kind#FIRST_TOKEN_TIMEOUT}, since
 * its whole response is its first token.
 * <p>
 * Cancelling a subscription closes the HTTP exchange. Instances are thread-safe.
 */
public final class OpenAiModelClient implements ModelClient {

	private static final Logger logger = LoggerFactory.getLogger(OpenAiModelClient.class);

	private static final String DONE = "[DONE]";

	private static final int MAX_ERROR_MESSAGE_CHARS = 500;

	private final OpenAiClientSettings settings;

	private final JsonMapper jsonMapper;

	private final WebClient webClient;

	private final SseParser parser;

	private final ChunkReader chunks;

	private final ObjectReader responses;

	private final ContextHeaders contextHeaders;

	private final ConnectionProvider connections;

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
	 * Creates a client from a {@link WebClient.Builder} (for instance one with observation configured). The
	 * builder is cloned, and its connector and codec size limit are replaced by ones built from
	 * {@code settings}.
	 * @param settings the settings
	 * @param jsonMapper the mapper, used as given: {@link StreamingJson#mapper()} or a
	 * mapper made once by {@link StreamingJson#adapt}
	 * @param webClientBuilder the builder to start from; not changed
	 * @throws IllegalArgumentException if the mapper lacks the streaming settings
	 */
	public OpenAiModelClient(OpenAiClientSettings settings, JsonMapper jsonMapper,
			WebClient.Builder webClientBuilder) {
		this(settings, jsonMapper, webClientBuilder, (headers, context) -> {
		});
	}

	/**
	 * Creates a client from a {@link WebClient.Builder} whose requests also get headers from the Reactor context
	 * of each call, such as the caller's trace context.
	 * @param settings the settings
	 * @param jsonMapper the mapper, used as given: {@link StreamingJson#mapper()} or a
	 * mapper made once by {@link StreamingJson#adapt}
	 * @param webClientBuilder the builder to start from; not changed
	 * @param contextHeaders adds headers from the context a call is subscribed with
	 * @throws IllegalArgumentException if the mapper lacks the streaming settings
	 */
	public OpenAiModelClient(OpenAiClientSettings settings, JsonMapper jsonMapper,
			WebClient.Builder webClientBuilder, ContextHeaders contextHeaders) {
		this.settings = settings;
		this.contextHeaders = contextHeaders;
		this.jsonMapper = StreamingJson.requireSettings(jsonMapper);
		this.parser = new SseParser(settings.maxEventBytes());
		this.chunks = new ChunkReader(this.jsonMapper);
		// Deserializers are built under a lock on first use; built here, reads on event loops never wait for it.
		this.responses = this.jsonMapper.readerFor(ChatCompletionResponse.class);
		// A pool of its own: the shared default pool holds only 16 connections on two cores, which caps a
		// streaming gateway at a few hundred calls per second.
		this.connections = ConnectionProvider.builder("toolgate-upstream")
			.maxConnections(settings.maxConnections())
			.pendingAcquireMaxCount(settings.maxConnections() * 4)
			.pendingAcquireTimeout(settings.connectTimeout())
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		HttpClient httpClient = HttpClient.create(this.connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
					settings.connectTimeout().toMillis()));
		this.webClient = webClientBuilder.clone()
			.clientConnector(new ReactorClientHttpConnector(httpClient))
			.codecs((codecs) -> codecs.defaultCodecs().maxInMemorySize(settings.maxEventBytes()))
			.build();
	}

	/** Returns the settings. */
	public OpenAiClientSettings settings() {
		return this.settings;
	}

	/** Closes the client's connection pool; calls made afterwards fail. Does not block. */
	public void close() {
		this.connections.dispose();
	}

	@Override
	public Flux<ModelEvent> stream(ChatCompletionRequest request) {
		return Flux.deferContextual((context) -> {
			StreamState state = new StreamState(this.jsonMapper, this.chunks, request.model());
			state.lastFrameNanos = now();
			return post(request, true, MediaType.TEXT_EVENT_STREAM, context).bodyToFlux(DataBuffer.class)
				.transform(this.parser::parse)
				.doOnNext(state::frameSeen)
				.takeUntilOther(watchdog(state, earliestCheck()))
				// filter and map rather than handle (or mapNotNull, built on it): with context-propagation on the
				// class path, handle restores the context's thread locals (the request's observation and trace
				// scope) around every frame; with the scopes it opened, that was several percent of a streamed
				// call's CPU (bench/README.md).
				.filter(state::accept)
				.map(state::takeEvent)
				.concatWith(Mono.defer(state::finish))
				.onErrorResume((error) -> afterStreamError(state, error));
		});
	}

	/**
	 * Errors with a {@link TimeoutException} once the stream has sent nothing for the first-token timeout, or,
	 * after its first frame, nothing for the idle timeout; never completes otherwise. One timer per check, not one
	 * per frame: when it fires early (frames kept arriving), it re-arms for the remaining time.
	 */
	private Mono<SseFrame> watchdog(StreamState state, Duration after) {
		return Mono.delay(after).flatMap((tick) -> {
			long deadline = state.lastFrameNanos
					+ (state.framesSeen ? this.settings.idleTimeout() : this.settings.firstTokenTimeout()).toNanos();
			long remaining = deadline - now();
			if (remaining <= 0) {
				return Mono.error(new TimeoutException());
			}
			return watchdog(state, Duration.ofNanos(remaining));
		});
	}

	private Duration earliestCheck() {
		Duration first = this.settings.firstTokenTimeout();
		Duration idle = this.settings.idleTimeout();
		return (first.compareTo(idle) < 0) ? first : idle;
	}

	/** The clock of the timers the watchdog runs on. */
	private static long now() {
		return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
	}

	@Override
	public Mono<ChatCompletionResponse> complete(ChatCompletionRequest request) {
		return Mono.deferContextual((context) -> post(request, false, MediaType.APPLICATION_JSON, context)
			.bodyToMono(byte[].class))
			.map(this::decodeResponse)
			.timeout(this.settings.requestTimeout())
			.onErrorMap((error) -> toUpstream(error, false, false));
	}

	@Override
	public String providerName() {
		return "openai";
	}

	private WebClient.ResponseSpec post(ChatCompletionRequest request, boolean stream, MediaType accept,
			ContextView context) {
		byte[] body = this.jsonMapper.writeValueAsBytes(upstreamRequest(request, stream));
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
			.onStatus(HttpStatusCode::isError, this::statusError);
	}

	private void authorize(HttpHeaders headers) {
		if (this.settings.hasApiKey()) {
			headers.setBearerAuth(this.settings.apiKey().strip());
		}
	}

	private static ChatCompletionRequest upstreamRequest(ChatCompletionRequest request, boolean stream) {
		return new ChatCompletionRequest(request.model(), request.messages(), stream,
				stream ? new ChatCompletionRequest.StreamOptions(true) : null, request.tools(), request.toolChoice(),
				request.parallelToolCalls(), request.temperature(), request.maxTokens(),
				request.maxCompletionTokens(), request.user(), null);
	}

	private Mono<Throwable> statusError(ClientResponse response) {
		int status = response.statusCode().value();
		return response.bodyToMono(byte[].class)
			.map((body) -> errorMessage(this.jsonMapper, body))
			.onErrorResume((error) -> Mono.empty())
			.defaultIfEmpty("")
			.map((message) -> statusException(status, message));
	}

	private static UpstreamException statusException(int status, String upstreamMessage) {
		Kind kind = (status == 429) ? Kind.RATE_LIMITED : (status < 500) ? Kind.CLIENT_ERROR : Kind.SERVER_ERROR;
		String message = "upstream returned HTTP " + status
				+ (upstreamMessage.isEmpty() ? "" : ": " + upstreamMessage);
		return new UpstreamException(kind, status, message, null);
	}

	/** Extracts {@code error.message} (or a string {@code error}) from an error body, else returns "". */
	static String errorMessage(JsonMapper jsonMapper, byte[] body) {
		try {
			JsonNode error = jsonMapper.readTree(body).path("error");
			String message = error.isString() ? error.asString() : error.path("message").asString("");
			return (message.length() > MAX_ERROR_MESSAGE_CHARS) ? message.substring(0, MAX_ERROR_MESSAGE_CHARS)
					: message;
		}
		catch (JacksonException ex) {
			return "";
		}
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

	private Mono<ModelEvent> afterStreamError(StreamState state, Throwable error) {
		if (state.done) {
			// The message is complete once [DONE] arrived; a late timeout or connection error changes nothing.
			logger.debug("Ignoring upstream error after [DONE]: {}", error.toString());
			return Mono.empty();
		}
		return Mono.error(toUpstream(error, true, state.framesSeen));
	}

	private UpstreamException toUpstream(Throwable error, boolean streaming, boolean framesSeen) {
		if (error instanceof UpstreamException upstream) {
			return upstream;
		}
		if (error instanceof TimeoutException) {
			if (!streaming) {
				return new UpstreamException(Kind.FIRST_TOKEN_TIMEOUT, 0,
						"upstream did not answer within " + this.settings.requestTimeout(), error);
			}
			return framesSeen
					? new UpstreamException(Kind.IDLE_TIMEOUT, 0,
							"upstream stream idle for " + this.settings.idleTimeout(), error)
					: new UpstreamException(Kind.FIRST_TOKEN_TIMEOUT, 0,
							"upstream sent nothing within " + this.settings.firstTokenTimeout(), error);
		}
		if (error instanceof WebClientRequestException) {
			String what = (error.getCause() instanceof ConnectException) ? "could not connect to the upstream"
					: "upstream request failed";
			return new UpstreamException(Kind.CONNECT, 0, what, error);
		}
		if (error instanceof DataBufferLimitException) {
			return new UpstreamException(Kind.MALFORMED, 0,
					"upstream event exceeds " + this.settings.maxEventBytes() + " bytes", error);
		}
		logger.debug("Upstream failure", error);
		return streaming ? new UpstreamException(Kind.STREAM_CUT, 0, "upstream stream broke off", error)
				: new UpstreamException(Kind.SERVER_ERROR, 0, "upstream response failed", error);
	}

	/** The state of one stream: the assembler, usage and model seen so far, and whether it is done. */
	private static final class StreamState {

		private final JsonMapper jsonMapper;

		private final ChunkReader chunks;

		private final ToolCallAssembler assembler = new ToolCallAssembler();

		private String model;

		private Usage usage = Usage.ZERO;

		private volatile boolean framesSeen;

		/** When the last frame arrived, or the stream started ({@link #now()}'s clock). */
		private volatile long lastFrameNanos;

		private volatile boolean done;

		/** The event of the frame {@link #accept} let through, until {@link #takeEvent} hands it on. */
		private @Nullable ModelEvent pending;

		StreamState(JsonMapper jsonMapper, ChunkReader chunks, @Nullable String requestedModel) {
			this.jsonMapper = jsonMapper;
			this.chunks = chunks;
			this.model = (requestedModel != null) ? requestedModel : "";
		}

		void frameSeen(SseFrame frame) {
			this.lastFrameNanos = now();
			this.framesSeen = true;
		}

		/** Reads a frame; true when it made an event, which {@link #takeEvent} then returns. */
		boolean accept(SseFrame frame) {
			this.pending = onFrame(frame);
			return this.pending != null;
		}

		/** The event the last accepted frame made. */
		ModelEvent takeEvent(SseFrame frame) {
			ModelEvent event = this.pending;
			this.pending = null;
			return event;
		}

		/** The event a frame makes, or null for a frame that makes none. */
		private @Nullable ModelEvent onFrame(SseFrame frame) {
			if (this.done) {
				return null;
			}
			String data = frame.data();
			if (data.isBlank()) {
				return null;
			}
			if (DONE.equals(data.strip())) {
				this.done = true;
				return completed(this.assembler.effectiveFinishReason());
			}
			ChatCompletionChunk chunk = decode(data);
			if (chunk.model() != null && !chunk.model().isEmpty()) {
				this.model = chunk.model();
			}
			if (chunk.usage() != null) {
				this.usage = chunk.usage();
			}
			String text = this.assembler.accept(chunk);
			return (text != null) ? new ModelEvent.Token(text) : null;
		}

		Mono<ModelEvent> finish() {
			if (this.done) {
				return Mono.empty();
			}
			String finishReason = this.assembler.finishReason();
			if (finishReason == null) {
				return Mono.error(new UpstreamException(Kind.STREAM_CUT, 0,
						"upstream stream ended before [DONE] and without a finish reason", null));
			}
			// A finish reason means the message is whole; some compatible servers omit [DONE].
			this.done = true;
			return Mono.just(completed(finishReason));
		}

		private ModelEvent completed(String finishReason) {
			return new ModelEvent.Completed(this.assembler.message(), finishReason, this.usage, this.model);
		}

		private ChatCompletionChunk decode(String data) {
			ChatCompletionChunk chunk;
			try {
				chunk = this.chunks.read(data);
			}
			catch (JacksonException ex) {
				throw new UpstreamException(Kind.MALFORMED, 0, "upstream sent an undecodable chunk", ex);
			}
			if (chunk.choices() == null && chunk.usage() == null) {
				String message = errorMessage(this.jsonMapper, data.getBytes(StandardCharsets.UTF_8));
				if (!message.isEmpty() || data.contains("\"error\"")) {
					throw new UpstreamException(Kind.SERVER_ERROR, 0,
							"upstream stream failed" + (message.isEmpty() ? "" : ": " + message), null);
				}
				throw new UpstreamException(Kind.MALFORMED, 0, "upstream sent a chunk without choices", null);
			}
			return chunk;
		}

	}

	/** Adds headers to an upstream request from the Reactor context of its call, e.g. a W3C trace context. */
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
