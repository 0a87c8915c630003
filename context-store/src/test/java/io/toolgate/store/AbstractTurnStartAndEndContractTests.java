package io.toolgate.store;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The behaviour every {@link TurnStarts} and {@link TurnEnds} implementation must have,
 * observed through the stores they start and end turns in.
 */
public abstract class AbstractTurnStartAndEndContractTests {

	/** Bound of every reactive wait. */
	protected static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final Duration LEASE_TTL = Duration.ofSeconds(30);

	private static final Duration LOG_TTL = Duration.ofMinutes(5);

	private Backend backend;

	private ConversationKey key;

	/**
	 * Creates the implementation under test and the stores it works on; called before
	 * each test.
	 * @return the turn starts and their stores (every test uses new keys)
	 */
	protected abstract Backend createBackend();

	private static final String USER = "{\"role\":\"user\",\"content\":\"hi\"}";

	private static final String ASSISTANT = "{\"role\":\"assistant\",\"content\":\"hello\"}";

	@BeforeEach
	void createBackendAndKey() {
		this.backend = createBackend();
		this.key = new ConversationKey("tenant-" + UUID.randomUUID(), "conv-" + UUID.randomUUID());
	}

	@Test
	void startOfANewConversationTakesTheLeaseAndCreatesTheLog() {
		TurnStarts.StartedTurn started = start("turn-1", LOG_TTL);

		assertThat(started.conversation()).isNull();
		assertThat(started.lease().key()).isEqualTo(this.key);
		assertThat(started.lease().turnId()).isEqualTo("turn-1");
		assertThat(this.backend.leases().isHeld(this.key, "turn-1").block(TIMEOUT)).isTrue();
		assertThat(this.backend.eventLog().exists(new TurnKey(this.key, "turn-1")).block(TIMEOUT)).isTrue();
		List<StoredEvent> stored = this.backend.eventLog()
			.appendAll(new TurnKey(this.key, "turn-1"), List.of(new EventDraft("turn.started", "{}", false)))
			.collectList()
			.block(TIMEOUT);
		assertThat(stored).extracting(StoredEvent::id).containsExactly(1L);
	}

	@Test
	void startReadsTheConversationAsStoredAndItsLeaseFencesTheWrites() {
		TurnStarts.StartedTurn first = start("turn-1", null);
		Conversation written = this.backend.conversations()
			.append(this.key, 0, List.of("{\"role\":\"user\"}", "{\"role\":\"assistant\"}"), first.lease())
			.block(TIMEOUT);
		this.backend.leases().release(first.lease()).block(TIMEOUT);

		TurnStarts.StartedTurn second = start("turn-2", null);

		assertThat(second.conversation()).isNotNull();
		assertThat(second.conversation().messages()).containsExactly("{\"role\":\"user\"}", "{\"role\":\"assistant\"}");
		assertThat(second.conversation().version()).isEqualTo(written.version());
		assertThat(second.conversation().createdAt()).isEqualTo(written.createdAt());
		assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> this.backend.conversations()
			.append(this.key, written.version(), List.of("{}"), first.lease())
			.block(TIMEOUT));
		assertThat(this.backend.conversations()
			.append(this.key, written.version(), List.of("{}"), second.lease())
			.block(TIMEOUT)
			.messages()).hasSize(3);
	}

	@Test
	void startWhileAnotherTurnHoldsTheLeaseConflictsNamingItAndCreatesNoLog() {
		start("turn-1", LOG_TTL);

		assertThatExceptionOfType(TurnConflictException.class).isThrownBy(() -> start("turn-2", LOG_TTL))
			.withMessageContaining("turn-1");
		assertThat(this.backend.eventLog().exists(new TurnKey(this.key, "turn-2")).block(TIMEOUT)).isFalse();
		assertThat(this.backend.leases().isHeld(this.key, "turn-1").block(TIMEOUT)).isTrue();
	}

	@Test
	void startWithoutAnEventLogCreatesNone() {
		start("turn-1", null);

		assertThat(this.backend.eventLog().exists(new TurnKey(this.key, "turn-1")).block(TIMEOUT)).isFalse();
		assertThat(this.backend.leases().isHeld(this.key, "turn-1").block(TIMEOUT)).isTrue();
	}

	@Test
	void aReleasedLeaseLetsTheNextTurnStart() {
		TurnStarts.StartedTurn first = start("turn-1", LOG_TTL);
		this.backend.leases().release(first.lease()).block(TIMEOUT);

		TurnStarts.StartedTurn second = start("turn-2", LOG_TTL);

		assertThat(second.lease().fence()).isNotEqualTo(first.lease().fence());
		assertThat(this.backend.leases().isHeld(this.key, "turn-2").block(TIMEOUT)).isTrue();
		assertThat(this.backend.eventLog().exists(new TurnKey(this.key, "turn-1")).block(TIMEOUT)).isTrue();
		assertThat(this.backend.eventLog().exists(new TurnKey(this.key, "turn-2")).block(TIMEOUT)).isTrue();
	}

	@Test
	void endStoresTheLastEventsAfterTheOthersAndReleasesTheLease() {
		TurnStarts.StartedTurn started = start("turn-1", LOG_TTL);
		TurnKey turn = new TurnKey(this.key, "turn-1");
		this.backend.eventLog()
			.appendAll(turn, List.of(new EventDraft("turn.started", "{}", false)), started.lease().fence())
			.blockLast(TIMEOUT);

		List<StoredEvent> last = this.backend.ends()
			.end(turn,
					List.of(new EventDraft("token", "{\"text\":\"hi\"}", false),
							new EventDraft("turn.completed", "{}", true)),
					started.lease())
			.collectList()
			.block(TIMEOUT);

		assertThat(last).extracting(StoredEvent::id).containsExactly(2L, 3L);
		assertThat(last).extracting(StoredEvent::terminal).containsExactly(false, true);
		assertThat(this.backend.leases().isHeld(this.key, "turn-1").block(TIMEOUT)).isFalse();
		assertThat(this.backend.eventLog().readStored(turn, 0).collectList().block(TIMEOUT))
			.extracting(StoredEvent::type)
			.containsExactly("turn.started", "token", "turn.completed");
		assertThat(start("turn-2", LOG_TTL).lease().turnId()).isEqualTo("turn-2");
	}

	@Test
	void endOfATurnWhoseLogAnotherWriterClaimedStoresNothingAndKeepsTheLease() {
		TurnStarts.StartedTurn started = start("turn-1", LOG_TTL);
		TurnKey turn = new TurnKey(this.key, "turn-1");
		assertThat(this.backend.eventLog().claim(turn, "another-writer").block(TIMEOUT)).isTrue();

		assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> this.backend.ends()
			.end(turn, List.of(new EventDraft("turn.completed", "{}", true)), started.lease())
			.blockLast(TIMEOUT));
		assertThat(this.backend.eventLog().readStored(turn, 0).collectList().block(TIMEOUT)).isEmpty();
		assertThat(this.backend.leases().isHeld(this.key, "turn-1").block(TIMEOUT)).isTrue();
	}

	@Test
	void endLeavesALeaseThatAnotherTurnNowHolds() {
		TurnStarts.StartedTurn first = start("turn-1", LOG_TTL);
		this.backend.leases().release(first.lease()).block(TIMEOUT);
		start("turn-2", LOG_TTL);

		this.backend.ends()
			.end(new TurnKey(this.key, "turn-1"), List.of(new EventDraft("turn.completed", "{}", true)), first.lease())
			.blockLast(TIMEOUT);

		assertThat(this.backend.leases().isHeld(this.key, "turn-2").block(TIMEOUT)).isTrue();
	}

	@Test
	void endWithAnAnswerStoresItWithTheLastEventsAndReleasesTheLease() {
		TurnStarts.StartedTurn started = start("turn-1", LOG_TTL);
		TurnKey turn = new TurnKey(this.key, "turn-1");

		List<StoredEvent> last = this.backend.ends()
			.end(turn, List.of(new EventDraft("turn.completed", "{}", true)), started.lease(),
					new TurnEnds.Answer(0, List.of(USER, ASSISTANT)))
			.collectList()
			.block(TIMEOUT);

		assertThat(last).extracting(StoredEvent::id).containsExactly(1L);
		Conversation conversation = this.backend.conversations().find(this.key).block(TIMEOUT);
		assertThat(conversation.version()).isEqualTo(1);
		assertThat(conversation.messages()).containsExactly(USER, ASSISTANT);
		assertThat(this.backend.leases().isHeld(this.key, "turn-1").block(TIMEOUT)).isFalse();
		assertThat(this.backend.eventLog().readStored(turn, 0).map(StoredEvent::type).collectList().block(TIMEOUT))
			.containsExactly("turn.completed");
	}

	@Test
	void endWithAnAnswerForAnotherVersionStoresNothingAndKeepsTheLease() {
		TurnStarts.StartedTurn started = start("turn-1", LOG_TTL);
		TurnKey turn = new TurnKey(this.key, "turn-1");
		this.backend.conversations().append(this.key, 0, List.of(USER), started.lease()).block(TIMEOUT);

		assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> this.backend.ends()
			.end(turn, List.of(new EventDraft("turn.completed", "{}", true)), started.lease(),
					new TurnEnds.Answer(0, List.of(ASSISTANT)))
			.blockLast(TIMEOUT));
		assertThat(this.backend.conversations().find(this.key).block(TIMEOUT).messages()).containsExactly(USER);
		assertThat(this.backend.eventLog().readStored(turn, 0).collectList().block(TIMEOUT)).isEmpty();
		assertThat(this.backend.leases().isHeld(this.key, "turn-1").block(TIMEOUT)).isTrue();
	}

	@Test
	void endWithAnAnswerOfATurnThatLostItsLeaseStoresNothing() {
		TurnStarts.StartedTurn first = start("turn-1", LOG_TTL);
		this.backend.leases().release(first.lease()).block(TIMEOUT);
		start("turn-2", LOG_TTL);
		TurnKey turn = new TurnKey(this.key, "turn-1");

		assertThatExceptionOfType(LeaseLostException.class).isThrownBy(() -> this.backend.ends()
			.end(turn, List.of(new EventDraft("turn.completed", "{}", true)), first.lease(),
					new TurnEnds.Answer(0, List.of(USER, ASSISTANT)))
			.blockLast(TIMEOUT));
		assertThat(this.backend.conversations().find(this.key).blockOptional(TIMEOUT)).isEmpty();
		assertThat(this.backend.eventLog().readStored(turn, 0).collectList().block(TIMEOUT)).isEmpty();
		assertThat(this.backend.leases().isHeld(this.key, "turn-2").block(TIMEOUT)).isTrue();
	}

	private TurnStarts.StartedTurn start(String turnId, Duration logTtl) {
		return this.backend.starts().start(this.key, turnId, LEASE_TTL, logTtl).block(TIMEOUT);
	}

	/**
	 * The implementation under test and the stores it starts turns in.
	 *
	 * @param starts the turn starts
	 * @param ends the turn ends
	 * @param leases their leases
	 * @param conversations their conversations
	 * @param eventLog their turn event logs
	 */
	public record Backend(TurnStarts starts, TurnEnds ends, TurnLeases leases, ConversationStore conversations,
			TurnEventLog eventLog) {
	}

}
