package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.config.TurnProperties;
import io.toolgate.dispatcher.error.UpstreamErrors;
import io.toolgate.dispatcher.metrics.TurnMetrics;
import io.toolgate.store.Conversation;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.EventDraft;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnLeases;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Admits turns, takes conversation leases, runs native conversation turns detached from their clients (every
 * event goes to the turn's event log, which clients read and resume from), and releases everything when a turn
 * ends.
 */
public class TurnCoordinator {

	private static final Logger logger = LoggerFactory.getLogger(TurnCoordinator.class);

	/** Longest wait for a lease release; an unreleased lease expires by itself. */
	private static final Duration LEASE_RELEASE_TIMEOUT = Duration.ofSeconds(5);

	/** Most events written to the event log in one write. */
	private static final int APPEND_BATCH_SIZE = 64;

	/** The code of the terminal error event of a turn whose replica stopped before the turn ended. */
	public static final String TURN_ABANDONED = "turn_abandoned";

	private final TurnEngine engine;

	/** Completes when the replica abandons its running turns (a drain past its timeout). */
	private final Sinks.Empty<Void> stopping = Sinks.empty();

	private final ConversationStore store;

	private final TurnLeases leases;

	private final TurnEventLog eventLog;

	private final AdmissionController admission;

	private final TurnProperties properties;

	private final JsonMapper jsonMapper;

	private final Set<Disposable> detached = ConcurrentHashMap.newKeySet();

	/** Whether turns whose replica stopped are continued by another replica (else they end as abandoned). */
	private final boolean takeover;

	private final TurnWatch watch;

	/** Events of the turns running on this replica, as stored, for the readers on this replica. */
	private final Map<TurnKey, Sinks.Many<StoredEvent>> localFeeds = new ConcurrentHashMap<>();

	/**
	 * Creates the coordinator.
	 * @param engine runs turns
	 * @param store conversations
	 * @param leases one running turn per conversation
	 * @param eventLog turn event logs
	 * @param admission the per-replica bound
	 * @param properties turn settings
	 * @param jsonMapper JSON of messages and events
	 * @param sharedStore whether the store is shared by replicas, so that another replica can take a turn over
	 * (with {@link TurnProperties#takeover()})
	 * @param metrics counts takeovers
	 */
	public TurnCoordinator(TurnEngine engine, ConversationStore store, TurnLeases leases, TurnEventLog eventLog,
			AdmissionController admission, TurnProperties properties, JsonMapper jsonMapper, boolean sharedStore,
			TurnMetrics metrics) {
		this.engine = engine;
		this.store = store;
		this.leases = leases;
		this.eventLog = eventLog;
		this.admission = admission;
		this.properties = properties;
		this.jsonMapper = jsonMapper;
		this.takeover = sharedStore && properties.takeover();
		TurnTakeover takeovers = new TurnTakeover(admission, leases, eventLog, store, properties.leaseTtl(),
				jsonMapper, this::launchTakenOver);
		this.watch = new TurnWatch(leases, eventLog, this.takeover ? takeovers : null, properties.leaseTtl(),
				jsonMapper, metrics);
	}

	/** Returns a new turn id. */
	public static String newTurnId() {
		// Turn ids are scoped by tenant and conversation, so they need uniqueness, not secrecy; ThreadLocalRandom
		// avoids SecureRandom's blocking reads on event-loop threads.
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "turn_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
				+ Long.toHexString(random.nextLong() | Long.MIN_VALUE);
	}

	/**
	 * Admits a stateless turn.
	 * @return the prepared turn; errors with 503 when saturated
	 */
	public Mono<PreparedTurn> prepareStateless() {
		return Mono.fromSupplier(() -> new PreparedTurn(newTurnId(), null, this.admission.admit(), null, List.of(),
				ConversationWriter.NONE));
	}

	/**
	 * Admits a turn of a stored conversation: loads it (absent means new) and takes its lease.
	 * @param key the conversation
	 * @return the prepared turn; errors with 503 when saturated, {@code TurnConflictException} when another turn
	 * runs, or the store's failures
	 */
	public Mono<PreparedTurn> prepare(ConversationKey key) {
		String turnId = newTurnId();
		return Mono.fromSupplier(this.admission::admit)
			.flatMap(permit -> acquireLease(key, turnId)
				.flatMap(lease -> load(key, turnId, permit, lease).onErrorResume(ex -> this.leases.release(lease)
					.onErrorResume(releaseError -> Mono.empty())
					.then(Mono.error(ex)))
					.doOnCancel(() -> releaseLeaseOfAbandoned(lease)))
				.doOnError(ex -> permit.release())
				.doOnCancel(permit::release));
	}

	/**
	 * Takes the conversation's lease. A lease granted after its caller left (the command was already on its way)
	 * is released at once, instead of refusing the conversation's next turns until its TTL.
	 */
	private Mono<TurnLease> acquireLease(ConversationKey key, String turnId) {
		return Mono.defer(() -> {
			AtomicBoolean abandoned = new AtomicBoolean();
			CompletableFuture<TurnLease> acquired = this.leases.acquire(key, turnId, this.properties.leaseTtl())
				.toFuture();
			acquired.thenAccept(lease -> {
				if (abandoned.get()) {
					releaseLeaseOfAbandoned(lease);
				}
			});
			return Mono.fromFuture(acquired, true).doOnCancel(() -> abandoned.set(true));
		});
	}

	/**
	 * Releases the lease of a turn whose caller left before the turn was prepared. Fire-and-forget on purpose (no
	 * one waits for it), bounded by the same timeout as {@link #finish}; a failure only leaves the lease to expire.
	 */
	private void releaseLeaseOfAbandoned(TurnLease lease) {
		this.leases.release(lease)
			.timeout(LEASE_RELEASE_TIMEOUT)
			.onErrorResume(ex -> {
				logger.debug("Could not release the lease of turn {}; it expires by itself: {}", lease.turnId(),
						ex.toString());
				return Mono.empty();
			})
			.subscribe();
	}

	private Mono<PreparedTurn> load(ConversationKey key, String turnId, AdmissionController.Permit permit,
			TurnLease lease) {
		return this.store.find(key)
			.map(conversation -> prepared(key, turnId, permit, lease, conversation))
			.switchIfEmpty(Mono.fromSupplier(() -> new PreparedTurn(turnId, key, permit, lease, List.of(),
					new StoredConversationWriter(this.store, key, lease, 0, this.jsonMapper))));
	}

	private PreparedTurn prepared(ConversationKey key, String turnId, AdmissionController.Permit permit,
			TurnLease lease, Conversation conversation) {
		List<ChatMessage> history = conversation.messages()
			.stream()
			.map(json -> this.jsonMapper.readValue(json, ChatMessage.class))
			.toList();
		return new PreparedTurn(turnId, key, permit, lease, history,
				new StoredConversationWriter(this.store, key, lease, conversation.version(), this.jsonMapper));
	}

	/**
	 * Releases a turn's permit and lease. Never errors.
	 * @param turn the turn
	 * @return completion
	 */
	public Mono<Void> finish(PreparedTurn turn) {
		// The permit's release is the turn's "finished" flag: only the first finish releases the lease too.
		if (!turn.permit().tryRelease() || turn.lease() == null) {
			return Mono.empty();
		}
		return this.leases.release(turn.lease())
			.timeout(LEASE_RELEASE_TIMEOUT)
			.onErrorResume(ex -> {
				logger.warn("Could not release the lease of turn {}; it expires by itself: {}", turn.turnId(),
						ex.toString());
				return Mono.empty();
			});
	}

	/**
	 * Releases a turn whose exchange ended, however it ended; does nothing for a turn that finished already. The
	 * one place where that release is subscribed: the exchange is gone, and the lease must not wait for its TTL.
	 * @param turn the turn
	 */
	public void releaseAbandoned(PreparedTurn turn) {
		finish(turn).subscribe();
	}

	/**
	 * Runs a turn attached to its caller: cancelling the returned flux cancels the model call and tools, and the
	 * turn is finished (permit and lease released) however the flux ends.
	 * @param turn the prepared turn
	 * @param request the turn request
	 * @return the events; errors as {@link TurnEngine#run} does
	 */
	public Flux<TurnEvent> runAttached(PreparedTurn turn, TurnRequest request) {
		return Flux.usingWhen(Mono.just(turn),
				t -> withLeaseRenewal(t, this.engine.run(request)).concatMap(event -> releasingAtEnd(t, event)),
				this::finish,
				(t, error) -> finish(t), this::finish);
	}

	/**
	 * Starts a native conversation turn detached from the client: it runs to completion (or its deadline) even
	 * if the client goes away, appending every event to the turn's event log.
	 * @param turn the prepared turn, which must hold a conversation
	 * @param request the turn request
	 * @return the turn's key once its event log exists; read events with {@link #events(TurnKey, long)}
	 */
	public Mono<TurnKey> startDetached(PreparedTurn turn, TurnRequest request) {
		TurnKey key = new TurnKey(turn.conversation(), turn.turnId());
		AtomicBoolean launched = new AtomicBoolean();
		return this.eventLog.create(key, this.properties.eventLogTtl())
			.onErrorResume(ex -> finish(turn).then(Mono.error(ex)))
			.doOnSuccess(ignored -> {
				Sinks.Many<StoredEvent> feed = Sinks.many().replay().all();
				this.localFeeds.put(key, feed);
				launched.set(true);
				launch(key, turn, this.engine.run(request), feed);
			})
			.thenReturn(key)
			// Until it is launched the turn is the caller's: an error or a client leaving frees it at once.
			.doFinally(signal -> {
				if (!launched.get()) {
					releaseAbandoned(turn);
				}
			});
	}

	/**
	 * Reads a turn's events after an id, replaying stored ones and then following live ones.
	 * @param key the turn
	 * @param afterId the last id the client saw
	 * @return the events; errors with {@code TurnNotFoundException}
	 */
	public Flux<StoredEvent> events(TurnKey key, long afterId) {
		// A turn running on this replica feeds its readers here straight from its writes; the log is read only
		// for turns that run elsewhere or have ended.
		Sinks.Many<StoredEvent> feed = this.localFeeds.get(key);
		if (feed == null) {
			return this.watch.follow(key, this.eventLog.read(key, afterId));
		}
		return Flux.defer(() -> {
			AtomicLong last = new AtomicLong(afterId);
			AtomicBoolean ended = new AtomicBoolean();
			return feed.asFlux()
				.filter(event -> event.id() > afterId)
				.doOnNext(event -> {
					last.set(event.id());
					ended.set(event.terminal());
				})
				// A turn this replica gave up (it lost its lease, or a drain stopped it) may go on elsewhere: its
				// readers here follow it in the log.
				.onErrorResume(LeaseLostException.class, ex -> Flux.empty())
				.concatWith(Flux.defer(() -> ended.get() ? Flux.empty()
						: this.watch.follow(key, this.eventLog.read(key, last.get()))));
		});
	}

	/**
	 * Tells whether a turn's event log exists.
	 * @param key the turn
	 * @return whether it exists
	 */
	public Mono<Boolean> exists(TurnKey key) {
		return this.eventLog.exists(key);
	}

	/**
	 * Stops every turn running detached on this replica now and frees their leases, for a drain that ran out of
	 * time: with takeover on, without a terminal event, for another replica to continue them; otherwise each with
	 * a terminal {@code error} event, code {@value #TURN_ABANDONED}, in its log. Turns started afterwards stop the
	 * same way at once.
	 */
	public void abandonRunning() {
		if (this.takeover) {
			logger.info("Stopping {} running turns; readers on other replicas take them over", this.detached.size());
		}
		this.stopping.tryEmitEmpty();
	}

	private static TurnEvent abandonedByShutdown() {
		return new TurnEvent.Error("unavailable_error", "The replica running this turn shut down before the turn ended",
				TURN_ABANDONED);
	}

	/** Turns running detached on this replica. */
	public int detachedCount() {
		return this.detached.size();
	}

	/** Runs a turn taken over from another replica; its readers on this replica read the log. */
	private void launchTakenOver(TurnKey key, PreparedTurn turn, TurnRequest request, TurnResumption from) {
		launch(key, turn, this.engine.resume(request, from), Sinks.many().multicast().directBestEffort());
	}

	/** The one place where detached turns are subscribed; each is bounded by the turn deadline. */
	private void launch(TurnKey key, PreparedTurn turn, Flux<TurnEvent> events, Sinks.Many<StoredEvent> feed) {
		AtomicBoolean ended = new AtomicBoolean();
		// Appends are fenced by the turn's lease: once another replica takes the turn over, this one's are refused.
		String writer = Objects.requireNonNull(turn.lease(), "lease").fence();
		Mono<Void> run = withLeaseRenewal(turn, events)
			.onErrorResume(ex -> stopped(key, ex))
			.doOnNext(event -> ended.compareAndSet(false, event.isTerminal()))
			// A replica that stops before its turns end says so in their logs (or leaves them to be taken over),
			// rather than letting its cut upstream connections speak for it.
			.takeUntilOther(this.stopping.asMono())
			.concatWith(Mono.defer(() -> (ended.get() || this.takeover) ? Mono.empty()
					: Mono.just(abandonedByShutdown())))
			.concatMap(event -> releasingAtEnd(turn, event))
			.map(this::draft)
			// Events share a write: those arriving within the flush interval (or while a write is in flight) go
			// out in one Redis round trip. Readers get an event once it is stored, never before: a client must
			// not hold an event id that a replica crash could leave out of the log.
			.bufferTimeout(APPEND_BATCH_SIZE, this.properties.eventLogFlushInterval(), true)
			.concatMap(batch -> this.eventLog.appendAll(key, batch, writer), 1)
			.doOnNext(feed::tryEmitNext)
			.then()
			.timeout(this.properties.deadline().plus(this.properties.leaseTtl()))
			.doOnSuccess(ignored -> feed.tryEmitComplete())
			.onErrorResume(ex -> {
				logger.warn("Turn {} could not record its events: {}", key.turnId(), ex.toString());
				// Local readers end with the failure; a client resuming elsewhere reads what the log holds.
				feed.tryEmitError(ex);
				return Mono.empty();
			})
			.doFinally(signal -> this.localFeeds.remove(key, feed))
			.then(Mono.defer(() -> finish(turn)));
		Disposable[] handle = new Disposable[1];
		handle[0] = run.doFinally(signal -> {
			if (handle[0] != null) {
				this.detached.remove(handle[0]);
			}
		}).subscribeOn(Schedulers.parallel()).subscribe();
		if (!handle[0].isDisposed()) {
			this.detached.add(handle[0]);
		}
	}

	/**
	 * The terminal event of a turn that failed; none for a turn that lost its lease while takeover is on: it is
	 * not over, and another replica continues it.
	 */
	private Mono<TurnEvent> stopped(TurnKey key, Throwable error) {
		if (this.takeover && error instanceof LeaseLostException) {
			logger.warn("Turn {} lost its lease; it stops here, for another replica to take over", key.turnId());
			return Mono.empty();
		}
		logger.warn("Turn {} failed: {}", key.turnId(), UpstreamErrors.redact(error.toString()));
		return Mono.just(TurnEngine.errorEvent(error));
	}

	/**
	 * Frees the turn's slot and lease before its terminal event goes out, so that a client that sends its next
	 * turn as soon as it reads {@code turn.completed} is never refused with 409. Every message of the turn is
	 * stored by then; releasing again later does nothing.
	 */
	private Mono<TurnEvent> releasingAtEnd(PreparedTurn turn, TurnEvent event) {
		return event.isTerminal() ? finish(turn).thenReturn(event) : Mono.just(event);
	}

	private EventDraft draft(TurnEvent event) {
		return draft(this.jsonMapper, event);
	}

	static EventDraft draft(JsonMapper jsonMapper, TurnEvent event) {
		return new EventDraft(event.type(), jsonMapper.writeValueAsString(event), event.isTerminal());
	}

	private Flux<TurnEvent> withLeaseRenewal(PreparedTurn turn, Flux<TurnEvent> events) {
		TurnLease lease = turn.lease();
		if (lease == null) {
			return events;
		}
		Duration ttl = this.properties.leaseTtl();
		Flux<TurnEvent> renewals = Flux.interval(ttl.dividedBy(3))
			.onBackpressureDrop()
			// A renewal the store did not answer says nothing: the lease may still be held, and fenced writes tell.
			.concatMap(tick -> this.leases.renew(lease, ttl).onErrorResume(ex -> Mono.just(true)))
			// A lease found lost (expired, or taken by a replica that took the turn over) stops the turn.
			.concatMap(renewed -> renewed ? Mono.<TurnEvent>empty()
					: Mono.error(new LeaseLostException("Turn " + turn.turnId() + " lost its conversation lease")));
		return events.publish(shared -> Flux.merge(shared, renewals.takeUntilOther(shared.then())));
	}

}
