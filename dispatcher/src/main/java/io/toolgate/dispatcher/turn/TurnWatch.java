package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.toolgate.dispatcher.metrics.TurnMetrics;
import io.toolgate.store.EventDraft;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLeases;
import io.toolgate.streaming.TurnEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.json.JsonMapper;

/**
 * Watches, for a reader, a turn that runs on another replica (or ran): notices when it
 * stopped without ending and has it taken over or closed, so that no reader waits for
 * ever.
 */
final class TurnWatch {

	private static final Logger logger = LoggerFactory.getLogger(TurnWatch.class);

	/**
	 * How often a saturated replica declines to take a turn over before it closes the
	 * turn.
	 */
	private static final int MAX_TAKEOVER_REFUSALS = 3;

	private final TurnLeases leases;

	private final TurnEventLog eventLog;

	private final @Nullable TurnTakeover takeovers;

	private final Duration leaseTtl;

	private final JsonMapper jsonMapper;

	private final TurnMetrics metrics;

	/**
	 * Creates the watch.
	 * @param leases tells whether a turn still holds its lease
	 * @param eventLog the turns' logs
	 * @param takeovers takes turns over, or {@code null} when takeover is off: stopped
	 * turns are then closed
	 * @param leaseTtl the turns' lease time to live, which paces the checks
	 * @param jsonMapper JSON of events
	 * @param metrics counts takeovers
	 */
	TurnWatch(TurnLeases leases, TurnEventLog eventLog, @Nullable TurnTakeover takeovers, Duration leaseTtl,
			JsonMapper jsonMapper, TurnMetrics metrics) {
		this.leases = leases;
		this.eventLog = eventLog;
		this.takeovers = takeovers;
		this.leaseTtl = leaseTtl;
		this.jsonMapper = jsonMapper;
		this.metrics = metrics;
	}

	/**
	 * Follows a turn that runs elsewhere (or ran): when its log stays quiet while the
	 * turn no longer holds its conversation's lease — its replica died, was drained, or
	 * lost Redis for longer than the lease — the turn stopped without a terminal event.
	 * After two such checks in a row (a finishing turn releases its lease just before
	 * writing its last event) this reader's replica takes the turn over and continues it
	 * ({@link TurnTakeover}), or, with takeover off or impossible, closes its log with a
	 * terminal {@code error} event, code {@code turn_abandoned}. Either way this reader
	 * and every other read on from the log. The watch goes on after a takeover, so a turn
	 * whose new replica stops too is taken over again.
	 */
	Flux<StoredEvent> follow(TurnKey key, Flux<StoredEvent> events) {
		Duration check = abandonCheckInterval();
		return Flux.defer(() -> {
			AtomicLong quietSince = new AtomicLong(System.nanoTime());
			AtomicInteger streak = new AtomicInteger();
			AtomicInteger refusals = new AtomicInteger();
			Mono<Void> watchdog = Flux.interval(check, check)
				.onBackpressureDrop()
				.concatMap(tick -> abandoned(key, quietSince, check).flatMap(abandoned -> {
					if (!abandoned || streak.incrementAndGet() < 2) {
						streak.set(abandoned ? streak.get() : 0);
						return Mono.just(false);
					}
					streak.set(0);
					quietSince.set(System.nanoTime());
					return onAbandoned(key, refusals);
				}))
				.filter(Boolean::booleanValue)
				.next()
				.then();
			// Not publish(): the events are subscribed once, and each passes the merge
			// without a queue of its own (one of 256 slots per reader otherwise).
			Sinks.Empty<Void> eventsEnded = Sinks.empty();
			return Flux.merge(
					events.doOnNext(event -> quietSince.set(System.nanoTime()))
						.doFinally(signal -> eventsEnded.tryEmitEmpty()),
					watchdog.then(Mono.<StoredEvent>empty()).takeUntilOther(eventsEnded.asMono()));
		});
	}

	/**
	 * Acts on a turn found stopped.
	 * @return whether the watch is over (the turn's log has, or is getting, its terminal
	 * event)
	 */
	private Mono<Boolean> onAbandoned(TurnKey key, AtomicInteger refusals) {
		if (this.takeovers == null) {
			this.metrics.takeover("abandoned");
			return closeAbandoned(key).thenReturn(true);
		}
		return this.takeovers.attempt(key)
			.doOnNext(outcome -> this.metrics.takeover(outcome.name().toLowerCase(Locale.ROOT)))
			.flatMap(outcome -> switch (outcome) {
				case STARTED, ELSEWHERE, FAILED, DRAINING, SUSPENDED -> Mono.just(false);
				case ENDED, CLOSED -> Mono.just(true);
				// A replica with no slot leaves the turn to readers elsewhere for a
				// while, then gives it up.
				case SATURATED -> (refusals.incrementAndGet() < MAX_TAKEOVER_REFUSALS) ? Mono.just(false)
						: closeAbandoned(key).thenReturn(true);
				case ORPHANED -> closeAbandoned(key).thenReturn(true);
			});
	}

	private Duration abandonCheckInterval() {
		Duration third = this.leaseTtl.dividedBy(3);
		return (third.compareTo(Duration.ofSeconds(1)) < 0) ? Duration.ofSeconds(1) : third;
	}

	private Mono<Boolean> abandoned(TurnKey key, AtomicLong quietSince, Duration check) {
		if (System.nanoTime() - quietSince.get() < check.toNanos()) {
			return Mono.just(false);
		}
		// A store that does not answer says nothing about the turn: the reader's own
		// reads fail meanwhile.
		return this.leases.isHeld(key.conversation(), key.turnId())
			.flatMap(held -> held ? Mono.just(false) : suspended(key).map(suspended -> !suspended))
			.onErrorReturn(false);
	}

	/**
	 * Whether a turn without its lease is suspended, waiting for decisions on held calls,
	 * rather than stopped: read from its log, only when the lease is found gone.
	 */
	private Mono<Boolean> suspended(TurnKey key) {
		return this.eventLog.readStored(key, 0).flatMapIterable(event -> {
			Class<? extends TurnEvent> type = TurnEvent.classOf(event.type());
			return (type != null) ? List.of(this.jsonMapper.readValue(event.data(), type)) : List.<TurnEvent>of();
		}).collectList().map(TurnResumption::isSuspended);
	}

	/**
	 * Closes a turn's log with a terminal {@code error} event, code
	 * {@code turn_abandoned}, unless it has ended; never errors.
	 */
	Mono<Void> closeAbandoned(TurnKey key) {
		logger.warn("Turn {} stopped without ending (its replica is gone); closing its event log", key.turnId());
		// The closer claims the log first, so that a replica that lost the turn cannot
		// add to it afterwards.
		String closer = "closer-" + TurnCoordinator.newTurnId();
		List<EventDraft> abandoned = List.of(TurnEventWriter.draft(this.jsonMapper, TurnTakeover.abandoned()));
		return this.eventLog.claim(key, closer)
			.filter(Boolean::booleanValue)
			.flatMap(claimed -> this.eventLog.appendAll(key, abandoned, closer).then())
			// Another reader closed it first, or the store is down: either way this
			// reader goes on reading.
			.onErrorResume(ex -> Mono.empty());
	}

}
