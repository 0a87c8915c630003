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
 * The behaviour every {@link TurnLeases} implementation must have. Subclasses provide the
 * implementation and the passage of time: an in-memory implementation advances its clock,
 * a Redis one sleeps past a short time to live.
 */
public abstract class AbstractTurnLeasesContractTests extends AbstractExpiringStoreContractTests {

	private TurnLeases leases;

	private ConversationKey key;

	/**
	 * Creates the implementation under test; called before each test.
	 * @return fresh leases (state shared with earlier tests is tolerated: every test uses
	 * new keys)
	 */
	protected abstract TurnLeases createLeases();

	@BeforeEach
	void createLeasesAndKey() {
		this.leases = createLeases();
		String unique = UUID.randomUUID().toString();
		this.key = new ConversationKey("tenant-" + unique, "conversation-" + unique);
	}

	@Test
	void acquireGrantsLeaseToTurn() {
		TurnLease lease = acquire("turn-1");
		assertThat(lease.key()).isEqualTo(this.key);
		assertThat(lease.turnId()).isEqualTo("turn-1");
		assertThat(lease.fence()).isNotBlank();
	}

	@Test
	void acquireConflictsWhileAnotherTurnHoldsLease() {
		acquire("turn-1");
		assertAcquireConflicts("turn-2");
		assertAcquireConflicts("turn-1");
	}

	@Test
	void acquireSucceedsAfterRelease() {
		TurnLease first = acquire("turn-1");
		this.leases.release(first).block(TIMEOUT);
		assertThat(acquire("turn-2").turnId()).isEqualTo("turn-2");
	}

	@Test
	void acquireSucceedsAfterLeaseExpires() {
		acquire("turn-1");
		awaitExpiry(ttl());
		assertThat(acquire("turn-2").turnId()).isEqualTo("turn-2");
	}

	@Test
	void everyAcquisitionGetsNewFence() {
		TurnLease first = acquire("turn-1");
		this.leases.release(first).block(TIMEOUT);
		TurnLease second = acquire("turn-1");
		assertThat(second.fence()).isNotEqualTo(first.fence());
	}

	@Test
	void renewKeepsLeaseBeyondOriginalTtl() {
		TurnLease lease = acquire("turn-1");
		Duration most = ttl().multipliedBy(6).dividedBy(10);
		elapse(most);
		assertThat(renew(lease)).isTrue();
		elapse(most);
		assertAcquireConflicts("turn-2");
		assertThat(renew(lease)).isTrue();
	}

	@Test
	void tellsWhetherATurnStillHoldsItsLease() {
		assertThat(isHeld("turn-1")).isFalse();
		TurnLease lease = acquire("turn-1");
		assertThat(isHeld("turn-1")).isTrue();
		assertThat(isHeld("turn-2")).isFalse();
		this.leases.release(lease).block(TIMEOUT);
		assertThat(isHeld("turn-1")).isFalse();
		acquire("turn-2");
		awaitExpiry(ttl());
		assertThat(isHeld("turn-2")).isFalse();
	}

	@Test
	void renewReturnsFalseAfterExpiry() {
		TurnLease lease = acquire("turn-1");
		awaitExpiry(ttl());
		assertThat(renew(lease)).isFalse();
	}

	@Test
	void renewReturnsFalseAfterTakeover() {
		TurnLease lost = acquire("turn-1");
		awaitExpiry(ttl());
		TurnLease current = acquire("turn-2");
		assertThat(renew(lost)).isFalse();
		assertThat(renew(current)).isTrue();
	}

	@Test
	void renewReturnsFalseAfterRelease() {
		TurnLease lease = acquire("turn-1");
		this.leases.release(lease).block(TIMEOUT);
		assertThat(renew(lease)).isFalse();
	}

	@Test
	void releaseByFormerHolderKeepsCurrentLease() {
		TurnLease lost = acquire("turn-1");
		awaitExpiry(ttl());
		TurnLease current = acquire("turn-2");
		StepVerifier.create(this.leases.release(lost)).verifyComplete();
		assertAcquireConflicts("turn-3");
		assertThat(renew(current)).isTrue();
	}

	@Test
	void releaseWithForgedFenceKeepsLease() {
		TurnLease lease = acquire("turn-1");
		StepVerifier.create(this.leases.release(new TurnLease(this.key, "turn-1", lease.fence() + "-forged")))
			.verifyComplete();
		assertThat(renew(lease)).isTrue();
	}

	@Test
	void releaseOfUnheldLeaseCompletes() {
		StepVerifier.create(this.leases.release(new TurnLease(this.key, "turn-1", "no-such-fence")))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void leasesAreScopedByTenant() {
		acquire("turn-1");
		ConversationKey sameIdOtherTenant = new ConversationKey(this.key.tenant() + "-other",
				this.key.conversationId());
		TurnLease other = this.leases.acquire(sameIdOtherTenant, "turn-1", ttl()).block(TIMEOUT);
		assertThat(other).isNotNull();
		assertThat(other.key()).isEqualTo(sameIdOtherTenant);
	}

	@Test
	void concurrentAcquisitionsGrantExactlyOneLease() {
		int contenders = 16;
		List<Optional<TurnLease>> outcomes = Flux.range(0, contenders)
			.flatMap((i) -> this.leases.acquire(this.key, "turn-" + i, ttl())
				.map(Optional::of)
				.onErrorResume(TurnConflictException.class, (ex) -> Mono.just(Optional.empty()))
				.subscribeOn(Schedulers.parallel()), contenders)
			.collectList()
			.block(TIMEOUT);
		assertThat(outcomes).hasSize(contenders);
		assertThat(outcomes).filteredOn(Optional::isPresent).hasSize(1);
	}

	private void assertAcquireConflicts(String turnId) {
		StepVerifier.create(this.leases.acquire(this.key, turnId, ttl()))
			.expectError(TurnConflictException.class)
			.verify(TIMEOUT);
	}

	private @Nullable Boolean renew(TurnLease lease) {
		return this.leases.renew(lease, ttl()).block(TIMEOUT);
	}

	private @Nullable Boolean isHeld(String turnId) {
		return this.leases.isHeld(this.key, turnId).block(TIMEOUT);
	}

	private TurnLease acquire(String turnId) {
		TurnLease lease = this.leases.acquire(this.key, turnId, ttl()).block(TIMEOUT);
		assertThat(lease).isNotNull();
		return lease;
	}

}
