package io.toolgate.dispatcher.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import io.toolgate.dispatcher.auth.StreamTokens;
import io.toolgate.dispatcher.auth.ApiKeyAuthenticationFilter;
import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.metrics.SseMetrics;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.turn.CompletionStreams;
import io.toolgate.dispatcher.turn.DetachedTurns;
import io.toolgate.dispatcher.turn.PreparedTurn;
import io.toolgate.dispatcher.turn.TurnCoordinator;
import io.toolgate.dispatcher.turn.TurnRequest;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnKey;
import io.toolgate.streaming.OpenAiChunkEncoder;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.ChatMessage;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code POST /v1/chat/completions}, OpenAI-compatible. Registered tools are executed
 * server-side; tools the client defined come back to it as {@code tool_calls}. With
 * {@code conversation_id} the stored conversation is continued and the turn's messages
 * are stored. The turn is attached to the client: a client that disconnects cancels the
 * model call and running tools.
 */
public class ChatCompletionsHandler {

	private final TurnCoordinator coordinator;

	private final ApiSettings settings;

	private final JsonMapper jsonMapper;

	private final ToolgateMetrics metrics;

	private final JsonBodyReader bodies;

	private final CompletionStreams streams;

	private final StreamTokens streamTokens;

	private final ClientToolConflicts conflicts;

	private final CompletionPayloads chunks;

	private final @Nullable DetachedTurns detachedTurns;

	private final ToolRegistry tools;

	private final Duration approvalHold;

	private final Duration heartbeatInterval;

	/**
	 * Creates the handler.
	 * @param coordinator runs turns
	 * @param settings what requests may hold, and the default model
	 * @param jsonMapper JSON of chunks
	 * @param metrics records SSE streams
	 * @param streams keeps streamed completions for resuming; {@code null} when they are
	 * not resumable
	 * @param streamTokens issues the tokens a browser resumes a stream with
	 * @param conflicts the rule for client tools named like registered ones
	 * @param tools the registered tools, which say whether any call may wait for approval
	 * @param detachedTurns runs the turns of resumable streamed completions of a
	 * conversation, which can wait for approvals; {@code null} to run every completion
	 * attached (calls that need approval are then denied)
	 * @param approvalHold how long such a stream stays open while its turn waits for
	 * approvals
	 * @param heartbeatInterval how often such a stream sends a heartbeat comment
	 */
	public ChatCompletionsHandler(TurnCoordinator coordinator, ApiSettings settings, JsonMapper jsonMapper,
			ToolgateMetrics metrics, @Nullable CompletionStreams streams, StreamTokens streamTokens,
			ClientToolConflicts conflicts, ToolRegistry tools, @Nullable DetachedTurns detachedTurns,
			Duration approvalHold, Duration heartbeatInterval) {
		this.coordinator = coordinator;
		this.settings = settings;
		this.jsonMapper = jsonMapper;
		this.metrics = metrics;
		this.bodies = new JsonBodyReader(jsonMapper, ChatCompletionRequest.class);
		this.streams = streams;
		this.streamTokens = streamTokens;
		this.conflicts = conflicts;
		this.chunks = new CompletionPayloads(jsonMapper);
		this.detachedTurns = detachedTurns;
		this.tools = tools;
		this.approvalHold = approvalHold;
		this.heartbeatInterval = heartbeatInterval;
	}

	/** Handles a chat completion. */
	public Mono<ServerResponse> complete(ServerRequest request) {
		Tenant tenant = Tenant.from(request);
		return this.bodies.tree(request)
			.map(this::bind)
			.switchIfEmpty(Mono.error(() -> ToolgateException.invalidField("body", "is required")))
			.doOnNext(body -> {
				RequestValidation.chatCompletion(body, this.settings.maxContentLength());
				this.conflicts.check(body, tenant.id());
			})
			.flatMap(body -> prepare(tenant, body).flatMap(turn -> {
				// A resumable stream outlives its exchange once started; until then the
				// turn is the exchange's.
				AtomicBoolean detached = new AtomicBoolean();
				ExchangeReleases.register(request.exchange(), () -> {
					if (!detached.get()) {
						this.coordinator.releaseAbandoned(turn);
					}
				});
				return respond(turn, tenant, ApiKeyAuthenticationFilter.keyId(request.exchange()), body,
						ExchangeReleases.ended(request.exchange()), detached);
			}));
	}

	/**
	 * {@code GET /v1/chat/completions/{id}/events}: a streamed completion's chunks after
	 * {@code Last-Event-ID} (or {@code ?last_event_id=}), then {@code data: [DONE]}, on
	 * any replica, for as long as its log is kept.
	 */
	public Mono<ServerResponse> resume(ServerRequest request) {
		Tenant tenant = Tenant.from(request);
		if (this.streams == null) {
			return Mono.error(ToolgateException.notFound("Completion"));
		}
		TurnKey key = CompletionStreams.key(tenant.id(), RequestValidation.turnId(request.pathVariable("id")));
		long afterId = LastEventId.of(request);
		return this.streams.exists(key)
			.filter(Boolean::booleanValue)
			.switchIfEmpty(Mono.error(() -> ToolgateException.notFound("Completion")))
			.flatMap(exists -> ServerResponse.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.header("Cache-Control", "no-cache")
				.header("X-Accel-Buffering", "no")
				.body(BodyInserters.fromDataBuffers(this.metrics.sse()
					.frames(SseMetrics.CHAT_COMPLETIONS, resumedFrames(this.streams.events(key, afterId))
						.takeUntilOther(ExchangeReleases.ended(request.exchange()))))));
	}

	/**
	 * The frames of a resumed stream. A completion that went quiet (its replica stopped
	 * before it ended) ends with an error payload and {@code [DONE]}, without ids: a
	 * client resuming again misses nothing.
	 */
	private Flux<DataBuffer> resumedFrames(Flux<StoredEvent> events) {
		return events.map(ChatCompletionsHandler::frame).onErrorResume(ex -> {
			TurnEvent.Error abandoned = new TurnEvent.Error("unavailable_error",
					"The replica running this completion stopped before it ended", DetachedTurns.TURN_ABANDONED);
			OpenAiChunkEncoder encoder = OpenAiChunkEncoder.of("", false);
			return Flux.fromIterable(encoder.encode(abandoned))
				.map(payload -> SseFrames.data(payload.getBytes(StandardCharsets.UTF_8)));
		});
	}

	/**
	 * Checks the sampling parameters, which the request record does not all hold, then
	 * binds strictly.
	 */
	private ChatCompletionRequest bind(JsonNode body) {
		SamplingParameters.check(JsonBodyReader.requireObject(body), this.settings.maxChoices());
		return this.bodies.bind(body, ChatCompletionRequest.class);
	}

	private Mono<PreparedTurn> prepare(Tenant tenant, ChatCompletionRequest body) {
		if (body.conversationId() == null) {
			return this.coordinator.prepareStateless();
		}
		return this.coordinator.prepare(new ConversationKey(tenant.id(), body.conversationId()), canWait(tenant, body));
	}

	/**
	 * Whether the completion's turn can wait for approvals: a resumable stream of a
	 * conversation, which already runs to its end whatever its client does, while some
	 * tool of the tenant's may have its calls held. Its turn runs detached, with an event
	 * log; every other completion runs attached (with no tool that may be held, nothing
	 * would wait), and the calls that need approval are not run.
	 */
	private boolean canWait(Tenant tenant, ChatCompletionRequest body) {
		ChatCompletionRequest.StreamOptions options = body.streamOptions();
		return this.detachedTurns != null && this.streams != null && body.conversationId() != null && body.isStream()
				&& (options == null || !Boolean.FALSE.equals(options.resumable()))
				&& this.tools.mayHoldCalls(tenant.id());
	}

	private Mono<ServerResponse> respond(PreparedTurn turn, Tenant tenant, @Nullable String keyId,
			ChatCompletionRequest body, Mono<Void> ended, AtomicBoolean detached) {
		String model = body.model() != null ? body.model() : this.settings.defaultModel();
		TurnRequest turnRequest = new TurnRequest(turn.turnId(), tenant.id(), body.conversationId(), model,
				turn.history(), body.messages(), body.tools() != null ? body.tools() : List.of(), body, turn.writer(),
				body.isStream(), keyId);
		String id = "chatcmpl-" + Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
		long created = Instant.now().getEpochSecond();
		if (canWait(tenant, body) && this.detachedTurns != null) {
			// The turn is the detached runner's from here: it finishes it.
			TurnKey turnKey = this.detachedTurns.startDetached(turn, turnRequest);
			detached.set(true);
			ApprovalHold hold = new ApprovalHold(turnKey);
			Flux<TurnEvent> events = hold.hold(this.detachedTurns.events(turnKey, 0).map(this::decode),
					this.approvalHold);
			ChatCompletionRequest.StreamOptions options = body.streamOptions();
			boolean includeUsage = options != null && Boolean.TRUE.equals(options.includeUsage());
			boolean toolProgress = options != null && Boolean.TRUE.equals(options.toolProgress());
			Flux<List<CompletionStreams.Payload>> payloads = this.chunks.payloads(events,
					new OpenAiChunkEncoder(id, created, model, includeUsage, this.jsonMapper), toolProgress, hold);
			return resumable(CompletionStreams.key(tenant.id(), id), payloads, ended, detached);
		}
		Flux<TurnEvent> events = this.coordinator.runAttached(turn, turnRequest);
		if (body.isStream()) {
			ChatCompletionRequest.StreamOptions options = body.streamOptions();
			boolean includeUsage = options != null && Boolean.TRUE.equals(options.includeUsage());
			boolean toolProgress = options != null && Boolean.TRUE.equals(options.toolProgress());
			Flux<List<CompletionStreams.Payload>> payloads = this.chunks.payloads(events,
					new OpenAiChunkEncoder(id, created, model, includeUsage, this.jsonMapper), toolProgress);
			if (this.streams != null && (options == null || !Boolean.FALSE.equals(options.resumable()))) {
				return resumable(CompletionStreams.key(tenant.id(), id), payloads, ended, detached);
			}
			return ServerResponse.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.header("Cache-Control", "no-cache")
				.header("X-Accel-Buffering", "no")
				.body(BodyInserters.fromDataBuffers(this.metrics.sse()
					.frames(SseMetrics.CHAT_COMPLETIONS, payloads.filter(group -> !group.isEmpty()), List::size)
					.map(ChatCompletionsHandler::frames)
					.takeUntilOther(ended)));
		}
		return events.onErrorMap(ErrorResponseWriter::toToolgateException)
			.filter(TurnEvent.TurnCompleted.class::isInstance)
			.cast(TurnEvent.TurnCompleted.class)
			.last()
			.flatMap(done -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				// Written to bytes here: the codec's encoder costs more than the encoding
				// itself.
				.bodyValue(CompletionPayloads.responseBody(this.jsonMapper,
						ChatCompletionResponse.of(id, created, model,
								new ChatMessage(ChatMessage.ASSISTANT, done.content(), null, done.toolCalls(), null),
								OpenAiChunkEncoder.finishReason(done.reason()), done.usage()),
						done)));
	}

	/**
	 * Starts a resumable stream: its payloads, each with an {@code id:} line, go to the
	 * client as they come and to the completion's log. Headers go out with the role
	 * chunk, and carry the stream token that resumes it.
	 */
	private Mono<ServerResponse> resumable(TurnKey key, Flux<List<CompletionStreams.Payload>> payloads,
			Mono<Void> ended, AtomicBoolean detached) {
		String token = this.streamTokens.issue(key.conversation().tenant(), CompletionStreams.CONVERSATION,
				key.turnId());
		return this.streams.start(key, payloads.doOnSubscribe(subscription -> detached.set(true)))
			.flatMap(live -> ServerResponse.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.header("Cache-Control", "no-cache")
				.header("X-Accel-Buffering", "no")
				.header(ConversationsHandler.STREAM_TOKEN_HEADER, token)
				.body(BodyInserters.fromDataBuffers(withHeartbeats(
						this.metrics.sse().frames(SseMetrics.CHAT_COMPLETIONS, live, List::size).map(SseFrames::data))
					.takeUntilOther(ended))));
	}

	/**
	 * Merges heartbeat comments into a stream's frames, so that a stream waiting for an
	 * approval (or a slow tool) is not cut by an idle proxy; they stop with the stream.
	 */
	private Flux<DataBuffer> withHeartbeats(Flux<DataBuffer> frames) {
		// Not publish(): the frames are subscribed once, and each passes the merge at the
		// cost of a method call instead of a queue of its own.
		return Flux.defer(() -> {
			Sinks.Empty<Void> framesEnded = Sinks.empty();
			Flux<DataBuffer> heartbeats = Flux.interval(this.heartbeatInterval)
				.onBackpressureDrop()
				.map(tick -> SseFrames.heartbeat())
				.takeUntilOther(framesEnded.asMono());
			return Flux.merge(frames.doFinally(signal -> framesEnded.tryEmitEmpty()), heartbeats);
		});
	}

	/** A turn's stored event, read back. */
	private TurnEvent decode(StoredEvent event) {
		Class<? extends TurnEvent> type = TurnEvent.classOf(event.type());
		if (type == null) {
			throw new IllegalStateException("Unknown turn event type '" + event.type() + "'");
		}
		return this.jsonMapper.readValue(event.data(), type);
	}

	/** The frames of the payloads of one turn event, in one buffer. */
	private static DataBuffer frames(List<CompletionStreams.Payload> group) {
		if (group.size() == 1) {
			return SseFrames.data(group.get(0).data().getBytes(StandardCharsets.UTF_8));
		}
		DataBuffer[] frames = new DataBuffer[group.size()];
		for (int i = 0; i < frames.length; i++) {
			frames[i] = SseFrames.data(group.get(i).data().getBytes(StandardCharsets.UTF_8));
		}
		return DefaultDataBufferFactory.sharedInstance.join(List.of(frames));
	}

	private static DataBuffer frame(StoredEvent event) {
		return SseFrames.data(event.id(), event.data().getBytes(StandardCharsets.UTF_8));
	}

}
