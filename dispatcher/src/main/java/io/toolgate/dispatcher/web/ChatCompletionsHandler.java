package io.toolgate.dispatcher.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.metrics.SseMetrics;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.turn.PreparedTurn;
import io.toolgate.dispatcher.turn.TurnCoordinator;
import io.toolgate.dispatcher.turn.TurnEngine;
import io.toolgate.dispatcher.turn.TurnRequest;
import io.toolgate.store.ConversationKey;
import io.toolgate.streaming.OpenAiChunkEncoder;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.ChatMessage;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/chat/completions}, OpenAI-compatible. Registered tools are executed server-side; tools the
 * client defined come back to it as {@code tool_calls}. With {@code conversation_id} the stored conversation is
 * continued and the turn's messages are stored. The turn is attached to the client: a client that disconnects
 * cancels the model call and running tools.
 */
public class ChatCompletionsHandler {

	private final TurnCoordinator coordinator;

	private final ApiSettings settings;

	private final JsonMapper jsonMapper;

	private final ToolgateMetrics metrics;

	private final JsonBodyReader bodies;

	/**
	 * Creates the handler.
	 * @param coordinator runs turns
	 * @param settings what requests may hold, and the default model
	 * @param jsonMapper JSON of chunks
	 * @param metrics records SSE streams
	 */
	public ChatCompletionsHandler(TurnCoordinator coordinator, ApiSettings settings, JsonMapper jsonMapper,
			ToolgateMetrics metrics) {
		this.coordinator = coordinator;
		this.settings = settings;
		this.jsonMapper = jsonMapper;
		this.metrics = metrics;
		this.bodies = new JsonBodyReader(jsonMapper, ChatCompletionRequest.class);
	}

	/** Handles a chat completion. */
	public Mono<ServerResponse> complete(ServerRequest request) {
		Tenant tenant = Tenant.from(request);
		return this.bodies.tree(request)
			.map(this::bind)
			.switchIfEmpty(Mono.error(() -> ToolgateException.invalidField("body", "is required")))
			.doOnNext(body -> RequestValidation.chatCompletion(body, this.settings.maxContentLength()))
			.flatMap(body -> prepare(tenant, body).flatMap(turn -> {
				ExchangeReleases.register(request.exchange(), () -> this.coordinator.releaseAbandoned(turn));
				return respond(turn, tenant, body, ExchangeReleases.ended(request.exchange()));
			}));
	}

	/** Checks the sampling parameters, which the request record does not all hold, then binds strictly. */
	private ChatCompletionRequest bind(JsonNode body) {
		SamplingParameters.check(JsonBodyReader.requireObject(body), this.settings.maxChoices());
		return this.bodies.bind(body, ChatCompletionRequest.class);
	}

	private Mono<PreparedTurn> prepare(Tenant tenant, ChatCompletionRequest body) {
		if (body.conversationId() == null) {
			return this.coordinator.prepareStateless();
		}
		return this.coordinator.prepare(new ConversationKey(tenant.id(), body.conversationId()));
	}

	private Mono<ServerResponse> respond(PreparedTurn turn, Tenant tenant, ChatCompletionRequest body,
			Mono<Void> ended) {
		String model = body.model() != null ? body.model() : this.settings.defaultModel();
		TurnRequest turnRequest = new TurnRequest(turn.turnId(), tenant.id(), body.conversationId(), model,
				turn.history(), body.messages(), body.tools() != null ? body.tools() : List.of(), body,
				turn.writer(), body.isStream());
		Flux<TurnEvent> events = this.coordinator.runAttached(turn, turnRequest);
		String id = "chatcmpl-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
		long created = Instant.now().getEpochSecond();
		if (body.isStream()) {
			boolean includeUsage = body.streamOptions() != null
					&& Boolean.TRUE.equals(body.streamOptions().includeUsage());
			return ServerResponse.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.header("Cache-Control", "no-cache")
				.header("X-Accel-Buffering", "no")
				.body(BodyInserters.fromDataBuffers(this.metrics.sse()
					.frames(SseMetrics.CHAT_COMPLETIONS, stream(events, id, created, model, includeUsage)
						.takeUntilOther(ended))));
		}
		return events.onErrorMap(ErrorResponseWriter::toToolgateException)
			.filter(TurnEvent.TurnCompleted.class::isInstance)
			.cast(TurnEvent.TurnCompleted.class)
			.last()
			.flatMap(done -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				// Written to bytes here: the codec's encoder costs more than the encoding itself.
				.bodyValue(this.jsonMapper.writeValueAsBytes(ChatCompletionResponse.of(id, created, model,
						new ChatMessage(ChatMessage.ASSISTANT, done.content(), null, done.toolCalls(), null),
						OpenAiChunkEncoder.finishReason(done.reason()), done.usage()))));
	}

	/**
	 * The response's SSE frames, written here rather than by Spring's SSE writer: a token becomes one
	 * {@code data:} frame built from bytes (see {@link OpenAiChunkEncoder#contentChunkJson}), the most frequent
	 * and only per-token work of a pass-through stream. Frames are flushed as they come; several that are ready
	 * at once share a flush.
	 */
	private Flux<DataBuffer> stream(Flux<TurnEvent> events, String id, long created, String model,
			boolean includeUsage) {
		OpenAiChunkEncoder encoder = new OpenAiChunkEncoder(id, created, model, includeUsage, this.jsonMapper);
		// The role chunk goes out at once so headers never wait for the model's first token.
		List<DataBuffer> first = encoder.roleChunkIfNeeded().stream().map(chunk -> frame(encoder.toJson(chunk))).toList();
		return events.onErrorResume(ex -> Mono.just(TurnEngine.errorEvent(ex)))
			.concatMapIterable(event -> frames(encoder, event))
			.startWith(first);
	}

	private static List<DataBuffer> frames(OpenAiChunkEncoder encoder, TurnEvent event) {
		if (event instanceof TurnEvent.Token token) {
			if (token.text().isEmpty() || !encoder.roleSent()) {
				return encoder.encode(event).stream().map(ChatCompletionsHandler::frame).toList();
			}
			return List.of(SseFrames.data(encoder.contentChunkJson(token.text())));
		}
		List<String> payloads;
		if (event instanceof TurnEvent.TurnCompleted done && done.toolCalls() != null) {
			payloads = new ArrayList<>();
			payloads.add(encoder.toJson(encoder.toolCallsChunk(done.toolCalls())));
			payloads.addAll(encoder.encode(event));
		}
		else {
			payloads = encoder.encode(event);
		}
		List<DataBuffer> frames = new ArrayList<>(payloads.size());
		for (String payload : payloads) {
			frames.add(frame(payload));
		}
		return frames;
	}

	private static DataBuffer frame(String payload) {
		return SseFrames.data(payload.getBytes(StandardCharsets.UTF_8));
	}

}
