package io.toolgate.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link TurnEventLog} implementation must have: ids, replay after an
 * id, live tailing, no gap and no duplicate while appends race with readers, completion
 * after the terminal event, and expiry. Subclasses provide the implementation and the
 * passage of time: an in-memory implementation advances its clock, a Redis one sleeps
 * past a short time to live.
 */
public abstract class AbstractTurnEventLogContractTests extends AbstractExpiringStoreContractTests {

	private TurnEventLog log;

	private TurnKey turn;

	/**
	 * Creates the implementation under test; called before each test.
	 * @return an event log (state shared with earlier tests is tolerated: every test uses
	 * new keys)
	 */
	protected abstract TurnEventLog createEventLog();

	/**
	 * How many events the concurrent test appends.
	 * @return 300 unless overridden
	 */
	protected int concurrentEvents() {
		return 300;
	}

	@BeforeEach
	void createLogAndTurn() {
		this.log = createEventLog();
		this.turn = newTurn();
		this.log.create(this.turn, LONG_TTL).block(TIMEOUT);
	}

	@Test
	void appendAssignsConsecutiveIdsFromOne() {
		assertThat(appendToken().id()).isEqualTo(1);
		assertThat(appendToken().id()).isEqualTo(2);
		assertThat(appendEnd().id()).isEqualTo(3);
	}

	@Test
	void batchAppendContinuesTheIdsAndFeedsReaders() {
		append("turn.started", false);
		StepVerifier
			.create(this.log.appendAll(this.turn, List.of(new EventDraft("token", "{\"text\":\"a\"}", false),
					new EventDraft("token", "{\"text\":\"b\"}", false), new EventDraft("turn.completed", "{}", true))))
			.expectNext(new StoredEvent(2, "token", "{\"text\":\"a\"}", false))
			.expectNext(new StoredEvent(3, "token", "{\"text\":\"b\"}", false))
			.expectNext(new StoredEvent(4, "turn.completed", "{}", true))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(ids(1)).expectNext(2L, 3L, 4L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void batchAppendAfterTheTerminalEventFails() {
		appendEnd();
		StepVerifier.create(this.log.appendAll(this.turn, List.of(new EventDraft("token", "{}", false))))
			.expectError(IllegalStateException.class)
			.verify(TIMEOUT);
	}

	@Test
	void storedEventKeepsTypeDataAndTerminalFlag() {
		append(this.turn, "tool.call", "{\"name\":\"search\"}", false).block(TIMEOUT);
		append(this.turn, "turn.completed", "{\"reason\":\"stop\"}", true).block(TIMEOUT);
		StepVerifier.create(this.log.read(this.turn, 0))
			.expectNext(new StoredEvent(1, "tool.call", "{\"name\":\"search\"}", false))
			.expectNext(new StoredEvent(2, "turn.completed", "{\"reason\":\"stop\"}", true))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void turnsKeepSeparateIds() {
		TurnKey other = new TurnKey(this.turn.conversation(), this.turn.turnId() + "-next");
		this.log.create(other, LONG_TTL).block(TIMEOUT);
		appendToken();
		appendToken();
		assertThat(append(other, "token", "{}", false).block(TIMEOUT).id()).isEqualTo(1);
	}

	@Test
	void appendToUnknownTurnFailsWithTurnNotFound() {
		StepVerifier.create(append(newTurn(), "token", "{}", false))
			.expectError(TurnNotFoundException.class)
			.verify(TIMEOUT);
	}

	@Test
	void readOfUnknownTurnFailsWithTurnNotFound() {
		StepVerifier.create(this.log.read(newTurn(), 0)).expectError(TurnNotFoundException.class).verify(TIMEOUT);
	}

	@Test
	void readOfEndedTurnReplaysEverythingAndCompletes() {
		appendAll(5);
		StepVerifier.create(ids(0)).expectNext(1L, 2L, 3L, 4L, 5L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void readResumesAfterLastEventId() {
		appendAll(5);
		StepVerifier.create(ids(3)).expectNext(4L, 5L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void readAfterTerminalEventCompletesEmpty() {
		appendAll(3);
		StepVerifier.create(this.log.read(this.turn, 3)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void readTailsLiveEventsUntilTerminal() {
		appendToken();
		StepVerifier.create(ids(0))
			.expectNext(1L)
			.then(() -> appendToken())
			.expectNext(2L)
			.then(() -> appendToken())
			.expectNext(3L)
			.then(() -> appendEnd())
			.expectNext(4L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void readOfEmptyTurnWaitsForFirstEvent() {
		StepVerifier.create(ids(0))
			.expectSubscription()
			.then(() -> appendToken())
			.expectNext(1L)
			.then(() -> appendEnd())
			.expectNext(2L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void readAheadOfLogSkipsEventsUpToAfterId() {
		appendToken();
		StepVerifier.create(ids(2))
			.expectSubscription()
			.then(() -> appendToken())
			.then(() -> appendToken())
			.expectNext(3L)
			.then(() -> appendEnd())
			.expectNext(4L)
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void everyLiveReaderReceivesEveryEvent() {
		Flux<Long> first = ids(0);
		Flux<Long> second = ids(0);
		StepVerifier.create(Flux.merge(first, second).collectList())
			.expectSubscription()
			.then(() -> appendAll(3))
			.assertNext((ids) -> assertThat(ids).containsExactlyInAnyOrder(1L, 1L, 2L, 2L, 3L, 3L))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void cancelledReaderDoesNotDisturbAppendsOrOtherReaders() {
		StepVerifier.create(ids(0))
			.expectSubscription()
			.then(() -> appendToken())
			.expectNext(1L)
			.thenCancel()
			.verify(TIMEOUT);
		appendToken();
		appendEnd();
		StepVerifier.create(ids(0)).expectNext(1L, 2L, 3L).expectComplete().verify(TIMEOUT);
	}

	@Test
	void readersRacingAppendsSeeEveryEventOnceInOrder() {
		int events = concurrentEvents();
		int readers = 12;
		// Readers start on other threads as the writer passes given ids, so that their
		// subscriptions race appends.
		Sinks.Many<Long> appended = Sinks.many().replay().latest();
		// The writer pauses now and then so that readers on other threads start while it
		// is still appending.
		Mono<Void> writer = Flux.range(1, events)
			.concatMap((i) -> Mono.delay(Duration.ofMillis((i % 5 == 0) ? 1 : 0))
				.then(append(this.turn, "token", "{\"i\":" + i + "}", i == events)))
			.doOnNext((event) -> appended.tryEmitNext(event.id()))
			.then();
		Flux<Map.Entry<Long, List<Long>>> reads = Flux.range(0, readers).flatMap((r) -> {
			long startAt = (long) r * events / readers;
			long afterId = (r % 3 == 0) ? 0 : startAt / 2;
			return appended.asFlux()
				.filter((id) -> id >= startAt)
				.next()
				.publishOn(Schedulers.boundedElastic())
				.thenMany(this.log.read(this.turn, afterId))
				.map(StoredEvent::id)
				.collectList()
				.map((ids) -> Map.entry(afterId, ids));
		}, readers);
		appended.tryEmitNext(0L);
		List<Map.Entry<Long, List<Long>>> seen = Mono.zip(writer.thenReturn(true), reads.collectList())
			.map((both) -> both.getT2())
			.block(TIMEOUT.multipliedBy(4));
		assertThat(seen).hasSize(readers);
		for (Map.Entry<Long, List<Long>> read : seen) {
			assertThat(read.getValue()).as("reader after %d", read.getKey())
				.containsExactlyElementsOf(LongStream.rangeClosed(read.getKey() + 1, events).boxed().toList());
		}
	}

	@Test
	void logExpiresTtlAfterLastWrite() {
		TurnKey expiring = newTurn();
		Duration most = ttl().multipliedBy(6).dividedBy(10);
		this.log.create(expiring, ttl()).block(TIMEOUT);
		elapse(most);
		append(expiring, "token", "{}", false).block(TIMEOUT);
		elapse(most);
		append(expiring, "token", "{}", false).block(TIMEOUT);
		StepVerifier.create(this.log.read(expiring, 0).take(2).map(StoredEvent::id))
			.expectNext(1L, 2L)
			.expectComplete()
			.verify(TIMEOUT);
		awaitExpiry(ttl());
		StepVerifier.create(this.log.read(expiring, 0)).expectError(TurnNotFoundException.class).verify(TIMEOUT);
		StepVerifier.create(append(expiring, "token", "{}", false))
			.expectError(TurnNotFoundException.class)
			.verify(TIMEOUT);
	}

	@Test
	void existsTellsWhetherLogIsLive() {
		TurnKey expiring = newTurn();
		assertThat(this.log.exists(this.turn).block(TIMEOUT)).isTrue();
		assertThat(this.log.exists(expiring).block(TIMEOUT)).isFalse();
		this.log.create(expiring, ttl()).block(TIMEOUT);
		assertThat(this.log.exists(expiring).block(TIMEOUT)).isTrue();
		awaitExpiry(ttl());
		assertThat(this.log.exists(expiring).block(TIMEOUT)).isFalse();
	}

	@Test
	void createOfExistingLogKeepsItsEvents() {
		appendToken();
		this.log.create(this.turn, LONG_TTL).block(TIMEOUT);
		assertThat(appendToken().id()).isEqualTo(2);
	}

	@Test
	void claimedLogRefusesItsFormerWriterAndTakesTheNewOne() {
		List<EventDraft> token = List.of(new EventDraft("token", "{}", false));
		assertThat(this.log.appendAll(this.turn, token, "first").collectList().block(TIMEOUT)).hasSize(1);
		assertThat(this.log.claim(this.turn, "second").block(TIMEOUT)).isTrue();
		StepVerifier.create(this.log.appendAll(this.turn, token, "first"))
			.expectError(LeaseLostException.class)
			.verify(TIMEOUT);
		assertThat(this.log.appendAll(this.turn, token, "second").blockLast(TIMEOUT).id()).isEqualTo(2);
		assertThat(this.log.readStored(this.turn, 0).map(StoredEvent::id).collectList().block(TIMEOUT))
			.containsExactly(1L, 2L);
	}

	@Test
	void claimOfEndedTurnIsRefused() {
		appendAll(2);
		assertThat(this.log.claim(this.turn, "late").block(TIMEOUT)).isFalse();
		StepVerifier.create(this.log.claim(newTurn(), "nobody"))
			.expectError(TurnNotFoundException.class)
			.verify(TIMEOUT);
	}

	@Test
	void readStoredReturnsWhatIsStoredAndCompletes() {
		appendAll(3);
		append(newTurnWithLog(), "token", "{}", false).block(TIMEOUT);
		StepVerifier.create(this.log.readStored(this.turn, 1).map(StoredEvent::id)).expectNext(2L, 3L).verifyComplete();
		StepVerifier.create(this.log.readStored(newTurn(), 0)).verifyComplete();
	}

	private TurnKey newTurnWithLog() {
		TurnKey other = newTurn();
		this.log.create(other, LONG_TTL).block(TIMEOUT);
		return other;
	}

	private static long afterIdOf(int reader, int events) {
		return (long) (reader % 4) * (events / 5);
	}

	private StoredEvent appendToken() {
		return append("token", false);
	}

	private StoredEvent appendEnd() {
		return append("turn.completed", true);
	}

	/** Reads the turn after an id, live, as ids. */
	private Flux<Long> ids(long afterId) {
		return this.log.read(this.turn, afterId).map(StoredEvent::id);
	}

	private StoredEvent append(String type, boolean terminal) {
		StoredEvent event = append(this.turn, type, "{}", terminal).block(TIMEOUT);
		assertThat(event).isNotNull();
		return event;
	}

	private void appendAll(int count) {
		for (int i = 1; i <= count; i++) {
			append((i < count) ? "token" : "turn.completed", i == count);
		}
	}

	private static TurnKey newTurn() {
		String unique = UUID.randomUUID().toString();
		return new TurnKey(new ConversationKey("tenant-" + unique, "conversation-" + unique), "turn-" + unique);
	}

	/** Appends one event, as the turn coordinator's batches of one do. */
	private Mono<StoredEvent> append(TurnKey key, String type, String data, boolean terminal) {
		return this.log.appendAll(key, List.of(new EventDraft(type, data, terminal))).single();
	}

}
