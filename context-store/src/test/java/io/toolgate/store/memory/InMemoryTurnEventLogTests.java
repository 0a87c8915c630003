package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.EventDraft;
import io.toolgate.store.ReaderOverflowException;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLogFullException;
import io.toolgate.store.TurnNotFoundException;
import io.toolgate.store.support.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InMemoryTurnEventLogTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration TTL = Duration.ofMinutes(5);

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	private final TurnKey turn = turn("t1");

	@Test
	void fullLogRefusesNonTerminalEventsButAcceptsTerminal() {
		InMemoryTurnEventLog log = log(new InMemoryTurnEventLog.Limits(10, 3, 8));
		log.create(this.turn, TTL).block(TIMEOUT);
		append(log, this.turn, "token", "{}", false).block(TIMEOUT);
		append(log, this.turn, "token", "{}", false).block(TIMEOUT);
		StepVerifier.create(append(log, this.turn, "token", "{}", false))
			.expectError(TurnLogFullException.class)
			.verify(TIMEOUT);
		StepVerifier.create(append(log, this.turn, "error", "{}", true).map(StoredEvent::id))
			.expectNext(3L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void appendAfterTerminalEventFailsWithIllegalState() {
		InMemoryTurnEventLog log = log(InMemoryTurnEventLog.Limits.ofDefaults());
		log.create(this.turn, TTL).block(TIMEOUT);
		append(log, this.turn, "turn.completed", "{}", true).block(TIMEOUT);
		StepVerifier.create(append(log, this.turn, "token", "{}", false))
			.expectError(IllegalStateException.class)
			.verify(TIMEOUT);
	}

	@Test
	void slowReaderGetsBufferedEventsThenOverflowErrorAndResumesWithoutGap() {
		InMemoryTurnEventLog log = log(new InMemoryTurnEventLog.Limits(10, 100, 8));
		log.create(this.turn, TTL).block(TIMEOUT);
		StepVerifier.create(log.read(this.turn, 0).map(StoredEvent::id), 0).expectSubscription().then(() -> {
			for (int i = 1; i <= 20; i++) {
				append(log, this.turn, "token", "{}", false).block(TIMEOUT);
			}
		})
			.thenRequest(Long.MAX_VALUE)
			.expectNext(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L)
			.expectError(ReaderOverflowException.class)
			.verify(TIMEOUT);
		append(log, this.turn, "turn.completed", "{}", true).block(TIMEOUT);
		StepVerifier.create(log.read(this.turn, 8).map(StoredEvent::id))
			.expectNextSequence(LongStream.rangeClosed(9, 21).boxed().toList())
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void fullLogMapRefusesNewTurnWhenNoneExpired() {
		InMemoryTurnEventLog log = log(new InMemoryTurnEventLog.Limits(2, 10, 8));
		log.create(turn("a"), TTL).block(TIMEOUT);
		log.create(turn("b"), TTL).block(TIMEOUT);
		StepVerifier.create(log.create(turn("c"), TTL)).expectError(StoreUnavailableException.class).verify(TIMEOUT);
	}

	@Test
	void fullLogMapDropsTheOldestEndedTurnToMakeRoom() {
		InMemoryTurnEventLog log = log(new InMemoryTurnEventLog.Limits(3, 10, 8));
		log.create(turn("old"), TTL).block(TIMEOUT);
		append(log, turn("old"), "turn.completed", "{}", true).block(TIMEOUT);
		this.clock.advance(Duration.ofSeconds(1));
		log.create(turn("newer"), TTL).block(TIMEOUT);
		append(log, turn("newer"), "turn.completed", "{}", true).block(TIMEOUT);
		log.create(turn("running"), TTL).block(TIMEOUT);
		StepVerifier.create(log.create(turn("next"), TTL)).expectComplete().verify(TIMEOUT);
		StepVerifier.create(log.read(turn("old"), 0)).expectError(TurnNotFoundException.class).verify(TIMEOUT);
		StepVerifier.create(log.read(turn("newer"), 0).map(StoredEvent::id)).expectNext(1L).verifyComplete();
		StepVerifier.create(log.exists(turn("running"))).expectNext(true).verifyComplete();
	}

	@Test
	void aFullLogMapKeepsMakingRoomInCreationOrderAndNeverDropsARunningTurn() {
		InMemoryTurnEventLog log = log(new InMemoryTurnEventLog.Limits(10, 10, 8));
		log.create(turn("running"), TTL).block(TIMEOUT);
		for (int i = 0; i < 1_000; i++) {
			log.create(turn("t" + i), TTL).block(TIMEOUT);
			append(log, turn("t" + i), "turn.completed", "{}", true).block(TIMEOUT);
		}
		StepVerifier.create(log.exists(turn("running"))).expectNext(true).verifyComplete();
		StepVerifier.create(log.exists(turn("t999"))).expectNext(true).verifyComplete();
		StepVerifier.create(log.exists(turn("t0"))).expectNext(false).verifyComplete();
		StepVerifier.create(log.exists(turn("t989"))).expectNext(false).verifyComplete();
	}

	@Test
	void turnsCreatedAtOnceOnAFullLogMapOfEndedTurnsAreNeverRefused() throws Exception {
		InMemoryTurnEventLog log = log(new InMemoryTurnEventLog.Limits(50, 10, 8));
		int threads = 4;
		int perThread = 2_000;
		AtomicInteger refused = new AtomicInteger();
		CountDownLatch start = new CountDownLatch(1);
		ExecutorService pool = Executors.newFixedThreadPool(threads);
		try {
			List<Future<?>> runs = new ArrayList<>();
			for (int t = 0; t < threads; t++) {
				String prefix = "thread" + t + "-";
				runs.add(pool.submit(() -> {
					start.await();
					for (int i = 0; i < perThread; i++) {
						TurnKey key = turn(prefix + i);
						try {
							log.create(key, TTL).block(TIMEOUT);
							append(log, key, "turn.completed", "{}", true).block(TIMEOUT);
						}
						catch (StoreUnavailableException ex) {
							refused.incrementAndGet();
						}
					}
					return null;
				}));
			}
			start.countDown();
			for (Future<?> run : runs) {
				run.get(60, TimeUnit.SECONDS);
			}
		}
		finally {
			pool.shutdownNow();
		}
		// Every turn but the ones running ended: a full map always has room to make.
		assertThat(refused).hasValue(0);
	}

	@Test
	void fullLogMapDropsExpiredTurnsToMakeRoom() {
		InMemoryTurnEventLog log = log(new InMemoryTurnEventLog.Limits(2, 10, 8));
		log.create(turn("a"), Duration.ofSeconds(1)).block(TIMEOUT);
		log.create(turn("b"), TTL).block(TIMEOUT);
		this.clock.advance(Duration.ofSeconds(2));
		StepVerifier.create(log.create(turn("c"), TTL)).expectComplete().verify(TIMEOUT);
		StepVerifier.create(log.read(turn("a"), 0)).expectError(TurnNotFoundException.class).verify(TIMEOUT);
	}

	@Test
	void waitingReaderOfEvictedLogFailsWithTurnNotFound() {
		InMemoryTurnEventLog log = log(InMemoryTurnEventLog.Limits.ofDefaults());
		log.create(this.turn, Duration.ofSeconds(1)).block(TIMEOUT);
		StepVerifier.create(log.read(this.turn, 0))
			.expectSubscription()
			.then(() -> this.clock.advance(Duration.ofSeconds(2)))
			.then(() -> assertThat(log.evictExpired()).isEqualTo(1))
			.expectError(TurnNotFoundException.class)
			.verify(TIMEOUT);
	}

	@Test
	void limitsRejectNonsense() {
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryTurnEventLog.Limits(0, 10, 8));
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryTurnEventLog.Limits(1, 1, 8));
		assertThatIllegalArgumentException().isThrownBy(() -> new InMemoryTurnEventLog.Limits(1, 10, 0));
	}

	private InMemoryTurnEventLog log(InMemoryTurnEventLog.Limits limits) {
		return new InMemoryTurnEventLog(limits, this.clock);
	}

	private static TurnKey turn(String id) {
		return new TurnKey(new ConversationKey("tenant", "conversation"), id);
	}

	/** Appends one event, as the turn coordinator's batches of one do. */
	private static Mono<StoredEvent> append(TurnEventLog log, TurnKey key, String type, String data, boolean terminal) {
		return log.appendAll(key, List.of(new EventDraft(type, data, terminal))).single();
	}

}
