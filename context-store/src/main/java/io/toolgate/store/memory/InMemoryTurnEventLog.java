package io.toolgate.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.EventDraft;
import io.toolgate.store.ReaderOverflowException;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLogFullException;
import io.toolgate.store.TurnNotFoundException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link TurnEventLog} held in memory. Every operation completes on the subscribing
 * thread without blocking; live events are delivered on the appending thread to readers
 * that have demand.
 * <p>
 * Bounds and their outcomes:
 * <ul>
 * <li>At most {@link Limits#maxTurns()} logs. Creating one more first drops the expired
 * logs, then the ended logs written longest ago (a tenth of the bound at a time, so a
 * full map is not scanned on every create); if every log belongs to a running turn,
 * {@link #create} errors with {@link StoreUnavailableException}.</li>
 * <li>At most {@link Limits#maxEventsPerTurn()} events per turn, the last slot kept for
 * the terminal event: a non-terminal append to a full log errors with
 * {@link TurnLogFullException}. Appending after the terminal event errors with
 * {@link IllegalStateException}.</li>
 * <li>A live reader buffers at least {@link Limits#readerBufferSize()} events it has not
 * yet requested (rounded up to a power of two, minimum 8). When it falls further behind
 * it receives every buffered event and then {@link ReaderOverflowException}, and resumes
 * with {@link #read} after the last id it received. Appenders never wait for
 * readers.</li>
 * </ul>
 * A log expires its time to live after its last write. Expired logs are dropped lazily
 * when touched, when the map is full, at most once a minute on {@link #create}, and by
 * {@link #evictExpired()}; their live readers then error with
 * {@link TurnNotFoundException}.
 */
public final class InMemoryTurnEventLog implements TurnEventLog {

	private final TurnLogs logs;

	private final Clock clock;

	/**
	 * Creates an empty event log.
	 * @param limits the bounds
	 * @param clock the clock that measures time to live
	 */
	public InMemoryTurnEventLog(Limits limits, Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock");
		this.logs = new TurnLogs(Objects.requireNonNull(limits, "limits"), clock.instant());
	}

	/**
	 * Creates an empty event log with {@link Limits#ofDefaults() default limits} and the
	 * system clock.
	 */
	public InMemoryTurnEventLog() {
		this(Limits.ofDefaults(), Clock.systemUTC());
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Creating a log that already exists (and has not expired) leaves it as it is. Errors
	 * with {@link StoreUnavailableException} when {@link Limits#maxTurns()} unexpired
	 * logs exist.
	 */
	@Override
	public Mono<Void> create(TurnKey key, Duration ttl) {
		if (ttl.isZero() || ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must be positive");
		}
		return Mono.fromRunnable(() -> this.logs.create(key, ttl, this.clock.instant()));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Appends one event at a time, so an error leaves the events before it stored. Also
	 * errors with {@link TurnLogFullException} when the log is full and
	 * {@link IllegalStateException} after the terminal event.
	 */
	@Override
	public Flux<StoredEvent> appendAll(TurnKey key, List<EventDraft> events) {
		return Flux.fromIterable(events).concatMap((event) -> append(key, event));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Appends one event at a time, as {@link #appendAll(TurnKey, List)} does.
	 */
	@Override
	public Flux<StoredEvent> appendAll(TurnKey key, List<EventDraft> events, String writer) {
		return Flux.fromIterable(events).concatMap((event) -> Mono.fromSupplier(() -> {
			Instant now = this.clock.instant();
			return liveLog(key, now).append(event.type(), event.data(), event.terminal(), now, writer);
		}));
	}

	@Override
	public Mono<Boolean> claim(TurnKey key, String writer) {
		return Mono.fromSupplier(() -> liveLog(key, this.clock.instant()).claim(writer));
	}

	@Override
	public Flux<StoredEvent> readStored(TurnKey key, long afterId) {
		return Flux.defer(() -> {
			TurnLog log = this.logs.find(key, this.clock.instant());
			return (log != null) ? Flux.fromIterable(log.stored(afterId)) : Flux.empty();
		});
	}

	private Mono<StoredEvent> append(TurnKey key, EventDraft event) {
		return Mono.fromSupplier(() -> {
			Instant now = this.clock.instant();
			return liveLog(key, now).append(event.type(), event.data(), event.terminal(), now);
		});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Also errors with {@link ReaderOverflowException} when the reader falls too far
	 * behind, and with {@link TurnNotFoundException} if the log expires or its
	 * conversation is deleted while the reader waits.
	 */
	@Override
	public Flux<StoredEvent> read(TurnKey key, long afterId) {
		return Flux.defer(() -> liveLog(key, this.clock.instant()).read(afterId));
	}

	@Override
	public Mono<Boolean> exists(TurnKey key) {
		return Mono.fromSupplier(() -> {
			try {
				liveLog(key, this.clock.instant());
				return true;
			}
			catch (TurnNotFoundException ex) {
				return false;
			}
		});
	}

	/**
	 * Drops every expired log, ending its live readers with
	 * {@link TurnNotFoundException}.
	 * @return how many logs were dropped
	 */
	public int evictExpired() {
		return this.logs.removeExpired(this.clock.instant());
	}

	/**
	 * Drops every turn log of a conversation, ending their live readers with
	 * {@link TurnNotFoundException}.
	 */
	int deleteConversation(ConversationKey conversation) {
		return this.logs.removeConversation(conversation);
	}

	private TurnLog liveLog(TurnKey key, Instant now) {
		return this.logs.live(key, now);
	}

	/**
	 * Bounds of an in-memory event log.
	 *
	 * @param maxTurns how many turn logs may exist at once, at least 1
	 * @param maxEventsPerTurn how many events a turn may hold, the terminal event
	 * included, at least 2
	 * @param readerBufferSize how many unrequested live events a reader may fall behind,
	 * at least 1
	 */
	public record Limits(int maxTurns, int maxEventsPerTurn, int readerBufferSize) {

		public Limits {
			if (maxTurns < 1) {
				throw new IllegalArgumentException("maxTurns must be at least 1");
			}
			if (maxEventsPerTurn < 2) {
				throw new IllegalArgumentException("maxEventsPerTurn must be at least 2");
			}
			if (readerBufferSize < 1 || readerBufferSize > 1 << 20) {
				throw new IllegalArgumentException("readerBufferSize must be between 1 and 1048576");
			}
		}

		/**
		 * Returns 10,000 turns of up to 10,000 events each, with readers buffering 1,024
		 * events.
		 */
		public static Limits ofDefaults() {
			return new Limits(10_000, 10_000, 1_024);
		}

	}

}
