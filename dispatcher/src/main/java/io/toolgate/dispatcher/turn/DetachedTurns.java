package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.error.UpstreamErrors;
import io.toolgate.dispatcher.metrics.TurnMetrics;
import io.toolgate.store.Approval;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnLeases;
import io.toolgate.streaming.TurnEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs native conversation turns detached from their clients: every event goes to the
 * turn's event log, in batches, and readers on any replica read and resume from it
 * (readers on the replica running the turn get its events straight from its writes). A
 * turn whose replica stopped is taken over by a reader's replica ({@link TurnWatch},
 * {@link TurnTakeover}) or closed as abandoned.
 */
public class DetachedTurns {

	private static final Logger logger = LoggerFactory.getLogger(DetachedTurns.class);

	/**
	 * The code of the terminal error event of a turn whose replica stopped before the
	 * turn ended.
	 */
	public static final String TURN_ABANDONED = "turn_abandoned";

	/** Outcomes after which the continuation of a decided turn is tried again. */
	private static final Set<TurnTakeover.Outcome> RETRIED = Set.of(TurnTakeover.Outcome.ELSEWHERE,
			TurnTakeover.Outcome.FAILED, TurnTakeover.Outcome.SATURATED);

	private final TurnEngine engine;

	private final TurnCoordinator turns;

	/**
	 * Completes when the replica abandons its running turns (a drain past its timeout).
	 */
	private final Sinks.Empty<Void> stopping = Sinks.empty();

	private final TurnEventLog eventLog;

	private final TurnSettings settings;

	private final TurnEventWriter writer;

	private final Set<Disposable> detached = ConcurrentHashMap.newKeySet();

	/**
	 * Whether turns whose replica stopped are continued by another replica (else they end
	 * as abandoned).
	 */
	private final boolean takeover;

	private final TurnWatch watch;

	private final TurnTakeover takeovers;

	/**
	 * Events of the turns running on this replica, as stored, for the readers on this
	 * replica.
	 */
	/**
	 * The events a running turn's local feed replays to a reader that joins it; older
	 * ones are read from the log.
	 */
	static final int FEED_REPLAY = 32;

	private final Map<TurnKey, Sinks.Many<StoredEvent>> localFeeds = new ConcurrentHashMap<>();

	/**
	 * Creates the runner.
	 * @param engine runs turns
	 * @param turns admits and finishes turns
	 * @param store conversations, for turns taken over
	 * @param leases one running turn per conversation
	 * @param eventLog turn event logs
	 * @param ends the end of a turn in the store: its last events and the lease release
	 * @param admission the per-replica bound, for turns taken over
	 * @param settings turn settings
	 * @param jsonMapper JSON of messages and events
	 * @param sharedStore whether the store is shared by replicas, so that another replica
	 * can take a turn over (with {@link TurnSettings#takeover()})
	 * @param metrics counts takeovers
	 */
	public DetachedTurns(TurnEngine engine, TurnCoordinator turns, ConversationStore store, TurnLeases leases,
			TurnEventLog eventLog, TurnEnds ends, AdmissionController admission, TurnSettings settings,
			JsonMapper jsonMapper, boolean sharedStore, TurnMetrics metrics) {
		this.engine = engine;
		this.turns = turns;
		this.eventLog = eventLog;
		this.settings = settings;
		this.writer = new TurnEventWriter(eventLog, ends, settings.eventLogFlushInterval(), jsonMapper);
		this.takeover = sharedStore && settings.takeover();
		TurnTakeover takeovers = new TurnTakeover(admission, leases, eventLog, store, settings.leaseTtl(), jsonMapper,
				this::launchTakenOver);
		this.watch = new TurnWatch(leases, eventLog, this.takeover ? takeovers : null, settings.leaseTtl(), jsonMapper,
				metrics);
		this.takeovers = takeovers;
	}

	/**
	 * Starts a native conversation turn detached from the client: it runs to completion
	 * (or its deadline) even if the client goes away, appending every event to the turn's
	 * event log.
	 * @param turn the prepared turn, which must hold a conversation and whose event log
	 * exists ({@link TurnCoordinator#prepare prepared} with its event log)
	 * @param request the turn request
	 * @return the turn's key; read events with {@link #events(TurnKey, long)}
	 */
	public TurnKey startDetached(PreparedTurn turn, TurnRequest request) {
		TurnKey key = new TurnKey(Objects.requireNonNull(turn.conversation(), "conversation"), turn.turnId());
		// The last events only: a reader that joins later reads the older ones from the
		// log. A turn's every event kept until it ended cost memory by its length.
		Sinks.Many<StoredEvent> feed = Sinks.many().replay().limit(FEED_REPLAY);
		this.localFeeds.put(key, feed);
		launch(key, turn, this.engine.runSuspendable(request), feed, answerAtTheEnd(request));
		return key;
	}

	/**
	 * Reads a turn's events after an id, replaying stored ones and then following live
	 * ones.
	 * @param key the turn
	 * @param afterId the last id the client saw
	 * @return the events; errors with {@code TurnNotFoundException}
	 */
	public Flux<StoredEvent> events(TurnKey key, long afterId) {
		// A turn running on this replica feeds its readers here straight from its
		// writes; the log is read only for turns that run elsewhere or have ended.
		Sinks.Many<StoredEvent> feed = this.localFeeds.get(key);
		if (feed == null) {
			return this.watch.follow(key, this.eventLog.read(key, afterId));
		}
		return Flux.defer(() -> {
			AtomicLong last = new AtomicLong(afterId);
			AtomicBoolean ended = new AtomicBoolean();
			return withStoredGap(key, afterId, feed.asFlux().filter(event -> event.id() > afterId)).doOnNext(event -> {
				last.set(event.id());
				ended.set(event.terminal());
			})
				// A turn this replica gave up (it lost its lease, or a drain stopped
				// it) may go on elsewhere: its readers here follow it in the log.
				.onErrorResume(LeaseLostException.class, ex -> Flux.empty())
				.concatWith(Flux.defer(() -> ended.get() ? Flux.empty()
						: this.watch.follow(key, this.eventLog.read(key, last.get()))));
		});
	}

	/**
	 * The feed's events after {@code afterId}, preceded by those the feed no longer
	 * replays, read from the log: everything the feed emits is stored, so the events
	 * between the reader's last and the feed's first are too.
	 */
	private Flux<StoredEvent> withStoredGap(TurnKey key, long afterId, Flux<StoredEvent> feed) {
		return feed.switchOnFirst((first, events) -> {
			StoredEvent firstEvent = first.get();
			if (firstEvent == null || firstEvent.id() <= afterId + 1) {
				return events;
			}
			long firstId = firstEvent.id();
			return this.eventLog.readStored(key, afterId).takeWhile(event -> event.id() < firstId).concatWith(events);
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
	 * Stops every turn running detached on this replica now and frees their leases, for a
	 * drain that ran out of time: with takeover on, without a terminal event, for another
	 * replica to continue them; otherwise each with a terminal {@code error} event, code
	 * {@value #TURN_ABANDONED}, in its log. Turns started afterwards stop the same way at
	 * once.
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

	/**
	 * Continues a suspended turn whose held calls are all decided, on this replica: as a
	 * takeover ({@link TurnTakeover}) that first records the decisions. While the turn
	 * still holds its lease (it is writing its last events before it suspends) or this
	 * replica has no slot, it tries again every 200 ms, for up to twice the lease's time
	 * to live. A turn whose conversation moved on (another turn holds its lease, or ran
	 * meanwhile) is closed with {@code turn_abandoned}.
	 * @param key the turn
	 * @param decided the decided approvals of its pending step
	 * @return what became of the turn
	 */
	Mono<TurnTakeover.Outcome> continueDecided(TurnKey key, List<Approval> decided) {
		Duration retryEvery = Duration.ofMillis(200);
		long attempts = Math.max(1, this.settings.leaseTtl().multipliedBy(2).toMillis() / retryEvery.toMillis());
		return Mono.defer(() -> this.takeovers.attempt(key, decided))
			.filter(outcome -> !RETRIED.contains(outcome))
			.repeatWhenEmpty(repeats -> repeats.take(attempts).delayElements(retryEvery))
			.defaultIfEmpty(TurnTakeover.Outcome.FAILED)
			// Another turn of the conversation holds its lease: this one can never
			// continue, and its readers must not wait for ever.
			.flatMap(outcome -> (outcome == TurnTakeover.Outcome.ORPHANED)
					? this.watch.closeAbandoned(key).thenReturn(TurnTakeover.Outcome.CLOSED) : Mono.just(outcome));
	}

	/**
	 * Runs a turn taken over from another replica; its readers on this replica read the
	 * log.
	 */
	private void launchTakenOver(TurnKey key, PreparedTurn turn, TurnRequest request, TurnResumption from) {
		launch(key, turn, this.engine.resume(request, from), Sinks.many().multicast().directBestEffort(),
				answerAtTheEnd(request));
	}

	/**
	 * The one place where detached turns are subscribed; each is bounded by the turn
	 * deadline.
	 */
	private void launch(TurnKey key, PreparedTurn turn, Flux<TurnEvent> events, Sinks.Many<StoredEvent> feed,
			Function<Boolean, TurnEnds.@Nullable Answer> answers) {
		AtomicBoolean ended = new AtomicBoolean();
		AtomicBoolean suspended = new AtomicBoolean();
		List<StoredEvent> held = new CopyOnWriteArrayList<>();
		// Appends are fenced by the turn's lease: once another replica takes the turn
		// over, this one's are refused.
		TurnLease lease = Objects.requireNonNull(turn.lease(), "lease");
		Mono<Void> run = events.transformDeferred(this.turns.leaseRenewal(turn))
			.onErrorResume(ex -> stopped(key, ex))
			.doOnNext(event -> {
				ended.compareAndSet(false, event.isTerminal());
				// A turn whose last events are approval.required waits for a reviewer,
				// holding nothing: it did not stop.
				suspended.set(event instanceof TurnEvent.ApprovalRequired);
			})
			// A replica that stops before its turns end says so in their logs (or
			// leaves them to be taken over), rather than letting its cut upstream
			// connections speak for it.
			.takeUntilOther(this.stopping.asMono())
			.concatWith(Mono.defer(() -> (ended.get() || suspended.get() || this.takeover) ? Mono.empty()
					: Mono.just(abandonedByShutdown())))
			.transform(stream -> this.writer.write(key, stream, lease, answers))
			.doOnNext(stored -> {
				// The terminal event's write released the lease: the slot goes too,
				// before a client reads it and sends the conversation's next turn.
				if (stored.terminal()) {
					this.turns.endedWithLease(turn);
				}
				// A suspending turn's approval.required events, its last, reach local
				// readers once its lease is released (below), for the same reason.
				if (TurnEvent.ApprovalRequired.TYPE.equals(stored.type())) {
					held.add(stored);
				}
				else {
					feed.tryEmitNext(stored);
				}
			})
			.then()
			.timeout(this.settings.deadline().plus(this.settings.leaseTtl()))
			.onErrorResume(ex -> {
				logger.warn("Turn {} could not record its events: {}", key.turnId(), ex.toString());
				// Local readers end with the failure; a client resuming elsewhere reads
				// what the log holds.
				held.clear();
				feed.tryEmitError(ex);
				return Mono.empty();
			})
			.then(Mono.defer(() -> this.turns.finish(turn)))
			.doFinally(signal -> {
				held.forEach(feed::tryEmitNext);
				feed.tryEmitComplete();
				this.localFeeds.remove(key, feed);
			});
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
	 * A detached turn stores its answer with its terminal event, in one write: its writer
	 * holds the answer, and the turn's latest step, for the end.
	 */
	private static Function<Boolean, TurnEnds.@Nullable Answer> answerAtTheEnd(TurnRequest request) {
		if (request.writer() instanceof StoredConversationWriter writer) {
			writer.deferAnswerToEnd();
			return completed -> completed ? writer.takeAnswer() : writer.takeStep();
		}
		return completed -> null;
	}

	/**
	 * The terminal event of a turn that failed; none for a turn that lost its lease while
	 * takeover is on: it is not over, and another replica continues it.
	 */
	private Mono<TurnEvent> stopped(TurnKey key, Throwable error) {
		if (this.takeover && error instanceof LeaseLostException) {
			logger.warn("Turn {} lost its lease; it stops here, for another replica to take over", key.turnId());
			return Mono.empty();
		}
		logger.warn("Turn {} failed: {}", key.turnId(), UpstreamErrors.redact(error.toString()));
		return Mono.just(TurnEngine.errorEvent(error));
	}

}
