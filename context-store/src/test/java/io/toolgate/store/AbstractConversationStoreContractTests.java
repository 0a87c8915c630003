package io.toolgate.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link ConversationStore} implementation must have, together with
 * the leases that fence its writes and the turn logs its deletes remove. Subclasses
 * provide the three sharing one backend, and the passage of time: an in-memory
 * implementation advances its clock, a Redis one sleeps past a short time to live.
 */
public abstract class AbstractConversationStoreContractTests extends AbstractExpiringStoreContractTests {

	private Backend backend;

	private ConversationStore store;

	private ConversationKey key;

	/**
	 * Creates the implementation under test; called before each test with a long time to
	 * live, and again by the expiry tests with {@link #ttl()}.
	 * @param conversationTtl how long the store keeps a conversation after its last write
	 * @return a store with the leases and event log of the same backend
	 */
	protected abstract Backend createBackend(Duration conversationTtl);

	@BeforeEach
	void createBackendAndKey() {
		this.backend = createBackend(LONG_TTL);
		this.store = this.backend.store();
		this.key = newKey();
	}

	@Test
	void findReturnsEmptyForUnknownConversation() {
		assertNotFound();
	}

	@Test
	void firstAppendCreatesVersionOne() {
		Conversation created = append(this.store, 0, "m1", "m2");
		assertThat(created.key()).isEqualTo(this.key);
		assertThat(created.messages()).containsExactly("m1", "m2");
		assertThat(created.version()).isEqualTo(1);
		assertThat(created.updatedAt()).isAfterOrEqualTo(created.createdAt());
		assertThat(this.store.find(this.key).block(TIMEOUT)).isEqualTo(created);
	}

	@Test
	void appendAddsMessagesInOrderAndIncrementsVersion() {
		Conversation first = append(this.store, 0, "m1");
		Conversation second = append(this.store, 1, "m2", "m3");
		Conversation third = append(this.store, 2);
		assertThat(second.messages()).containsExactly("m1", "m2", "m3");
		assertThat(second.version()).isEqualTo(2);
		assertThat(second.createdAt()).isEqualTo(first.createdAt());
		assertThat(third.version()).isEqualTo(3);
		assertThat(this.store.find(this.key).block(TIMEOUT).messages()).containsExactly("m1", "m2", "m3");
	}

	@Test
	void appendWithStaleVersionConflictsAndChangesNothing() {
		append(this.store, 0, "m1");
		append(this.store, 1, "m2");
		assertAppendFails(1, "stale", null, VersionConflictException.class);
		Conversation stored = this.store.find(this.key).block(TIMEOUT);
		assertThat(stored.version()).isEqualTo(2);
		assertThat(stored.messages()).containsExactly("m1", "m2");
	}

	@Test
	void createConflictsWhenConversationExists() {
		append(this.store, 0, "m1");
		assertAppendFails(0, "again", null, VersionConflictException.class);
	}

	@Test
	void appendToMissingConversationConflicts() {
		assertAppendFails(3, "m1", null, VersionConflictException.class);
		assertNotFound();
	}

	@Test
	void concurrentWritesOfSameVersionHaveExactlyOneWinner() {
		append(this.store, 0, "m1");
		int writers = 16;
		List<Optional<Conversation>> outcomes = Flux.range(0, writers)
			.flatMap((i) -> this.store.append(this.key, 1, List.of("w" + i), null)
				.map(Optional::of)
				.onErrorResume(VersionConflictException.class, (ex) -> Mono.just(Optional.empty()))
				.subscribeOn(Schedulers.parallel()), writers)
			.collectList()
			.block(TIMEOUT);
		assertThat(outcomes).hasSize(writers);
		List<Conversation> winners = outcomes.stream().flatMap(Optional::stream).toList();
		assertThat(winners).hasSize(1);
		Conversation stored = this.store.find(this.key).block(TIMEOUT);
		assertThat(stored.version()).isEqualTo(2);
		assertThat(stored.messages()).isEqualTo(winners.get(0).messages()).hasSize(2);
	}

	@Test
	void conversationsAreScopedByTenant() {
		append(this.store, 0, "mine");
		ConversationKey sameIdOtherTenant = new ConversationKey(this.key.tenant() + "-other",
				this.key.conversationId());
		StepVerifier.create(this.store.find(sameIdOtherTenant)).expectComplete().verify(TIMEOUT);
		Conversation other = this.store.append(sameIdOtherTenant, 0, List.of("theirs"), null).block(TIMEOUT);
		assertThat(other.version()).isEqualTo(1);
		assertThat(this.store.find(this.key).block(TIMEOUT).messages()).containsExactly("mine");
	}

	@Test
	void fencedAppendSucceedsWhileLeaseIsHeld() {
		TurnLease lease = acquire(this.key, "turn-1", LONG_TTL);
		Conversation created = this.store.append(this.key, 0, List.of("m1"), lease).block(TIMEOUT);
		Conversation next = this.store.append(this.key, 1, List.of("m2"), lease).block(TIMEOUT);
		assertThat(created.version()).isEqualTo(1);
		assertThat(next.messages()).containsExactly("m1", "m2");
	}

	@Test
	void fencedAppendWithTakenOverLeaseFailsWithLeaseLost() {
		TurnLease stale = acquire(this.key, "turn-1", LONG_TTL);
		this.store.append(this.key, 0, List.of("m1"), stale).block(TIMEOUT);
		this.backend.leases().release(stale).block(TIMEOUT);
		TurnLease current = acquire(this.key, "turn-2", LONG_TTL);
		assertAppendFails(1, "late", stale, LeaseLostException.class);
		assertThat(this.store.find(this.key).block(TIMEOUT).version()).isEqualTo(1);
		assertThat(this.store.append(this.key, 1, List.of("m2"), current).block(TIMEOUT).version()).isEqualTo(2);
	}

	@Test
	void fencedAppendAfterReleaseFailsWithLeaseLost() {
		TurnLease lease = acquire(this.key, "turn-1", LONG_TTL);
		this.backend.leases().release(lease).block(TIMEOUT);
		assertAppendFails(0, "m1", lease, LeaseLostException.class);
		assertNotFound();
	}

	@Test
	void fencedAppendAfterLeaseExpiryFailsWithLeaseLost() {
		TurnLease lease = acquire(this.key, "turn-1", ttl());
		this.store.append(this.key, 0, List.of("m1"), lease).block(TIMEOUT);
		awaitExpiry(ttl());
		assertAppendFails(1, "late", lease, LeaseLostException.class);
		assertThat(this.store.find(this.key).block(TIMEOUT).version()).isEqualTo(1);
	}

	@Test
	void fencedAppendWithLeaseOfAnotherConversationFailsWithLeaseLost() {
		ConversationKey other = newKey();
		TurnLease otherLease = acquire(other, "turn-1", LONG_TTL);
		assertAppendFails(0, "m1", otherLease, LeaseLostException.class);
	}

	@Test
	void conversationExpiresAfterIdleTtl() {
		ConversationStore expiring = createBackend(ttl()).store();
		append(expiring, 0, "m1");
		awaitExpiry(ttl());
		StepVerifier.create(expiring.find(this.key)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void appendRefreshesTtl() {
		ConversationStore expiring = createBackend(ttl()).store();
		Duration most = ttl().multipliedBy(6).dividedBy(10);
		append(expiring, 0, "m1");
		elapse(most);
		append(expiring, 1, "m2");
		elapse(most);
		assertThat(expiring.find(this.key).block(TIMEOUT).version()).isEqualTo(2);
	}

	@Test
	void expiredConversationIsCreatedAgainFromVersionZero() {
		ConversationStore expiring = createBackend(ttl()).store();
		append(expiring, 0, "old");
		awaitExpiry(ttl());
		StepVerifier.create(expiring.append(this.key, 1, List.of("stale"), null))
			.expectError(VersionConflictException.class)
			.verify(TIMEOUT);
		Conversation recreated = append(expiring, 0, "new");
		assertThat(recreated.version()).isEqualTo(1);
		assertThat(recreated.messages()).containsExactly("new");
	}

	@Test
	void deleteRemovesConversation() {
		append(this.store, 0, "m1");
		assertThat(this.store.delete(this.key).block(TIMEOUT)).isTrue();
		assertNotFound();
		assertThat(this.store.delete(this.key).block(TIMEOUT)).isFalse();
		assertThat(append(this.store, 0, "fresh").version()).isEqualTo(1);
	}

	@Test
	void deleteReleasesLease() {
		append(this.store, 0, "m1");
		TurnLease lease = acquire(this.key, "turn-1", LONG_TTL);
		this.store.delete(this.key).block(TIMEOUT);
		assertThat(this.backend.leases().renew(lease, LONG_TTL).block(TIMEOUT)).isFalse();
		assertThat(acquire(this.key, "turn-2", LONG_TTL).turnId()).isEqualTo("turn-2");
	}

	@Test
	void deleteRemovesTurnLogsOfConversationOnly() {
		TurnKey mine = new TurnKey(this.key, "turn-1");
		TurnKey others = new TurnKey(newKey(), "turn-1");
		TurnEventLog eventLog = this.backend.eventLog();
		append(this.store, 0, "m1");
		eventLog.create(mine, LONG_TTL).block(TIMEOUT);
		eventLog.create(others, LONG_TTL).block(TIMEOUT);
		eventLog.appendAll(mine, List.of(new EventDraft("token", "{}", false))).blockLast(TIMEOUT);
		eventLog.appendAll(others, List.of(new EventDraft("token", "{}", true))).blockLast(TIMEOUT);
		this.store.delete(this.key).block(TIMEOUT);
		StepVerifier.create(eventLog.read(mine, 0)).expectError(TurnNotFoundException.class).verify(TIMEOUT);
		StepVerifier.create(eventLog.read(others, 0)).expectNextCount(1).expectComplete().verify(TIMEOUT);
	}

	/** Appends one message to the test's conversation and expects the error. */
	private void assertAppendFails(long expectedVersion, String message, @Nullable TurnLease lease,
			Class<? extends Throwable> error) {
		StepVerifier.create(this.store.append(this.key, expectedVersion, List.of(message), lease))
			.expectError(error)
			.verify(TIMEOUT);
	}

	private void assertNotFound() {
		StepVerifier.create(this.store.find(this.key)).expectComplete().verify(TIMEOUT);
	}

	private Conversation append(ConversationStore target, long expectedVersion, String... messages) {
		Conversation written = target.append(this.key, expectedVersion, List.of(messages), null).block(TIMEOUT);
		assertThat(written).isNotNull();
		return written;
	}

	private TurnLease acquire(ConversationKey conversation, String turnId, Duration leaseTtl) {
		TurnLease lease = this.backend.leases().acquire(conversation, turnId, leaseTtl).block(TIMEOUT);
		assertThat(lease).isNotNull();
		return lease;
	}

	private static ConversationKey newKey() {
		String unique = UUID.randomUUID().toString();
		return new ConversationKey("tenant-" + unique, "conversation-" + unique);
	}

	/**
	 * A conversation store with the leases that fence its writes and the event log its
	 * deletes clear.
	 *
	 * @param store the store under test
	 * @param leases the leases of the same backend
	 * @param eventLog the event log of the same backend
	 */
	public record Backend(ConversationStore store, TurnLeases leases, TurnEventLog eventLog) {
	}

}
