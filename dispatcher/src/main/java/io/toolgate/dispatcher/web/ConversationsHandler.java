package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.toolgate.dispatcher.auth.ApiKeyAuthenticationFilter;
import io.toolgate.dispatcher.auth.StreamTokens;
import io.toolgate.dispatcher.auth.ApiKeyAuthenticationFilter;
import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.lifecycle.DrainSignal;
import io.toolgate.dispatcher.metrics.SseMetrics;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.turn.PreparedTurn;
import io.toolgate.dispatcher.turn.DetachedTurns;
import io.toolgate.dispatcher.turn.TurnCoordinator;
import io.toolgate.dispatcher.turn.TurnRequest;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnKey;
import io.toolgate.streaming.openai.ChatMessage;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The native conversation API: start a turn (SSE), resume a turn's events, read and
 * delete a conversation.
 */
public class ConversationsHandler {

	/** Response header carrying the id of a started turn. */
	public static final String TURN_ID_HEADER = "Toolgate-Turn-Id";

	/**
	 * Response header carrying the stream token of a started turn (also in
	 * {@code turn.started}).
	 */
	public static final String STREAM_TOKEN_HEADER = "Toolgate-Stream-Token";

	private static final Duration CLIENT_RETRY = Duration.ofSeconds(2);

	private final TurnCoordinator coordinator;

	private final DetachedTurns detached;

	private final ConversationStore store;

	private final ApiSettings settings;

	private final Duration heartbeatInterval;

	private final JsonMapper jsonMapper;

	private final DrainSignal drain;

	private final ToolgateMetrics metrics;

	private final JsonBodyReader bodies;

	private final StreamTokens streamTokens;

	private final NativeStreamEvents sseEvents;

	/**
	 * Creates the handler.
	 * @param coordinator admits turns
	 * @param detached runs turns and reads their events
	 * @param store conversations
	 * @param settings what requests may hold, and the default model
	 * @param heartbeatInterval interval of the streams' heartbeat comments
	 * @param jsonMapper JSON
	 * @param drain ends open streams when the replica drains
	 * @param metrics records SSE streams
	 * @param streamTokens issues the tokens a browser resumes with
	 * @param legacyErrorEvent whether the failure event keeps its old name {@code error}
	 */
	public ConversationsHandler(TurnCoordinator coordinator, DetachedTurns detached, ConversationStore store,
			ApiSettings settings, Duration heartbeatInterval, JsonMapper jsonMapper, DrainSignal drain,
			ToolgateMetrics metrics, StreamTokens streamTokens, boolean legacyErrorEvent) {
		this.coordinator = coordinator;
		this.store = store;
		this.detached = detached;
		this.settings = settings;
		this.heartbeatInterval = heartbeatInterval;
		this.jsonMapper = jsonMapper;
		this.drain = drain;
		this.metrics = metrics;
		this.bodies = new JsonBodyReader(jsonMapper, TurnBody.class);
		this.streamTokens = streamTokens;
		this.sseEvents = new NativeStreamEvents(jsonMapper, legacyErrorEvent);
	}

	/** {@code POST /v1/conversations/{id}/turns}. */
	public Mono<ServerResponse> startTurn(ServerRequest request) {
		Tenant tenant = Tenant.from(request);
		ConversationKey key = new ConversationKey(tenant.id(),
				RequestValidation.conversationId(request.pathVariable("id")));
		return this.bodies.read(request, TurnBody.class)
			.switchIfEmpty(Mono.error(() -> ToolgateException.invalidField("body", "is required")))
			.map(body -> RequestValidation.turn(body, this.settings.maxContentLength()))
			.flatMap(body -> this.coordinator.prepare(key, true)
				.map(turn -> start(turn, tenant, ApiKeyAuthenticationFilter.keyId(request.exchange()), key, body)))
			.flatMap(turnKey -> {
				String token = this.streamTokens.issue(tenant.id(), key.conversationId(), turnKey.turnId());
				return ServerResponse.ok()
					.contentType(MediaType.TEXT_EVENT_STREAM)
					.header(TURN_ID_HEADER, turnKey.turnId())
					.header(STREAM_TOKEN_HEADER, token)
					.header("Cache-Control", "no-cache")
					.header("X-Accel-Buffering", "no")
					.body(BodyInserters
						.fromServerSentEvents(stream(turnKey, 0, token, ExchangeReleases.ended(request.exchange()))));
			});
	}

	private TurnKey start(PreparedTurn turn, Tenant tenant, @Nullable String keyId, ConversationKey key,
			TurnBody body) {
		String model = body.model() != null ? body.model() : this.settings.defaultModel();
		TurnRequest turnRequest = new TurnRequest(turn.turnId(), tenant.id(), key.conversationId(), model,
				turn.history(), List.of(ChatMessage.user(body.content())), List.of(), null, turn.writer(), true, keyId);
		return this.detached.startDetached(turn, turnRequest);
	}

	/**
	 * {@code GET /v1/conversations/{id}/turns/{turnId}/events}, resuming after
	 * {@code Last-Event-ID}.
	 */
	public Mono<ServerResponse> resumeTurn(ServerRequest request) {
		Tenant tenant = Tenant.from(request);
		ConversationKey conversation = new ConversationKey(tenant.id(),
				RequestValidation.conversationId(request.pathVariable("id")));
		TurnKey key = new TurnKey(conversation, RequestValidation.turnId(request.pathVariable("turnId")));
		long afterId = LastEventId.of(request);
		// A reader with an API key gets a fresh token in a replayed turn.started; one
		// holding a token does not, so a
		// token cannot renew itself.
		String token = request.exchange().getAttribute(ApiKeyAuthenticationFilter.STREAM_TOKEN_ATTRIBUTE) != null ? null
				: this.streamTokens.issue(tenant.id(), conversation.conversationId(), key.turnId());
		return this.detached.exists(key)
			.filter(Boolean::booleanValue)
			.switchIfEmpty(Mono.error(() -> ToolgateException.notFound("Turn")))
			.flatMap(exists -> ServerResponse.ok()
				.contentType(MediaType.TEXT_EVENT_STREAM)
				.header("Cache-Control", "no-cache")
				.header("X-Accel-Buffering", "no")
				.body(BodyInserters
					.fromServerSentEvents(stream(key, afterId, token, ExchangeReleases.ended(request.exchange())))));
	}

	private Flux<ServerSentEvent<String>> stream(TurnKey key, long afterId, @Nullable String streamToken,
			Mono<Void> exchangeEnded) {
		return this.metrics.sse()
			.stream(SseMetrics.CONVERSATIONS, afterId > 0,
					withHeartbeats(this.detached.events(key, afterId), streamToken).takeUntilOther(exchangeEnded));
	}

	private Flux<ServerSentEvent<String>> withHeartbeats(Flux<StoredEvent> events, @Nullable String streamToken) {
		ServerSentEvent<String> end = ServerSentEvent.<String>builder().comment("end").build();
		Flux<ServerSentEvent<String>> data = endingVisibly(events, streamToken)
			// A stream that cannot go on (the store failed) says so before it ends; the
			// event has no id, so a
			// client resuming with its Last-Event-ID misses nothing.
			.onErrorResume(ex -> Mono.just(this.sseEvents.failure(PublicErrors.event(ex))))
			.concatWith(Mono.just(end));
		Flux<ServerSentEvent<String>> heartbeats = Flux.interval(this.heartbeatInterval)
			.onBackpressureDrop()
			.map(tick -> ServerSentEvent.<String>builder().comment("heartbeat").build());
		// The opening comment commits the headers at once, before the model's first
		// token.
		ServerSentEvent<String> open = ServerSentEvent.<String>builder().comment("open").retry(CLIENT_RETRY).build();
		Flux<ServerSentEvent<String>> live = Flux.merge(data, heartbeats).takeWhile(event -> event != end);
		// On drain the stream ends with a retry hint, so the client resumes on another
		// replica.
		return this.drain.endOnDrain(live).startWith(open);
	}

	/**
	 * The turn's events as SSE; a stream that ends without a terminal event because the
	 * reader resumed after it ends with {@value NativeStreamEvents#STREAM_END}, so that
	 * no end of a stream looks like a dropped connection.
	 */
	private Flux<ServerSentEvent<String>> endingVisibly(Flux<StoredEvent> events, @Nullable String streamToken) {
		return Flux.defer(() -> {
			AtomicBoolean terminal = new AtomicBoolean();
			return events.doOnNext(event -> terminal.compareAndSet(false, event.terminal()))
				.map(event -> this.sseEvents.of(event, streamToken))
				.concatWith(Mono.fromSupplier(() -> terminal.get() ? null : this.sseEvents.streamEnd()));
		});
	}

	/** {@code GET /v1/conversations/{id}}. */
	public Mono<ServerResponse> get(ServerRequest request) {
		Tenant tenant = Tenant.from(request);
		ConversationKey key = new ConversationKey(tenant.id(),
				RequestValidation.conversationId(request.pathVariable("id")));
		return this.store.find(key)
			.switchIfEmpty(Mono.error(() -> ToolgateException.notFound("Conversation")))
			.flatMap(conversation -> {
				Map<String, Object> body = new LinkedHashMap<>();
				body.put("id", key.conversationId());
				body.put("object", "conversation");
				body.put("version", conversation.version());
				body.put("created_at", conversation.createdAt().getEpochSecond());
				body.put("updated_at", conversation.updatedAt().getEpochSecond());
				List<JsonNode> messages = conversation.messages().stream().map(this.jsonMapper::readTree).toList();
				body.put("messages", messages);
				return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(body);
			});
	}

	/** {@code DELETE /v1/conversations/{id}}. */
	public Mono<ServerResponse> delete(ServerRequest request) {
		Tenant tenant = Tenant.from(request);
		ConversationKey key = new ConversationKey(tenant.id(),
				RequestValidation.conversationId(request.pathVariable("id")));
		return this.store.delete(key)
			.flatMap(existed -> existed ? ServerResponse.noContent().build()
					: Mono.error(ToolgateException.notFound("Conversation")));
	}

}
