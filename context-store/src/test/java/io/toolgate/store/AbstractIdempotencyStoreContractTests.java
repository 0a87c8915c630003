package io.toolgate.store;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link IdempotencyStore} implementation must have: Stripe-style
 * idempotency keys. Subclasses provide the implementation and the passage of time: an
 * in-memory implementation advances its clock, a Redis one sleeps past a short time to
 * live.
 */
public abstract class AbstractIdempotencyStoreContractTests extends AbstractExpiringStoreContractTests {

	private IdempotencyStore store;

	private String scope;

	private String key;

	/**
	 * Creates the implementation under test; called before each test.
	 * @return a store (state shared with earlier tests is tolerated: every test uses new
	 * keys)
	 */
	protected abstract IdempotencyStore createStore();

	@BeforeEach
	void createStoreAndKey() {
		this.store = createStore();
		String unique = UUID.randomUUID().toString();
		this.scope = "tenant-" + unique + ":tool:search";
		this.key = "key-" + unique;
	}

	@Test
	void firstClaimOwnsKey() {
		IdempotencyClaim claim = claim("body-1", LONG_TTL);
		assertThat(claim).isInstanceOfSatisfying(IdempotencyClaim.Claimed.class, (claimed) -> {
			assertThat(claimed.scope()).isEqualTo(this.scope);
			assertThat(claimed.key()).isEqualTo(this.key);
			assertThat(claimed.fingerprint()).isEqualTo("body-1");
			assertThat(claimed.token()).isNotBlank();
		});
	}

	@Test
	void sameRequestWhileFirstRunsIsInProgress() {
		claimed("body-1");
		assertThat(claim("body-1", LONG_TTL)).isInstanceOf(IdempotencyClaim.InProgress.class);
	}

	@Test
	void sameRequestAfterCompletionGetsStoredResult() {
		IdempotencyClaim.Claimed first = claimed("body-1");
		this.store.complete(first, "{\"ok\":true}").block(TIMEOUT);
		assertThat(claim("body-1", LONG_TTL)).isEqualTo(new IdempotencyClaim.Completed("{\"ok\":true}"));
		assertThat(claim("body-1", LONG_TTL)).isEqualTo(new IdempotencyClaim.Completed("{\"ok\":true}"));
	}

	@Test
	void differentRequestWithSameKeyIsMismatch() {
		IdempotencyClaim.Claimed first = claimed("body-1");
		assertThat(claim("body-2", LONG_TTL)).isInstanceOf(IdempotencyClaim.Mismatch.class);
		this.store.complete(first, "{}").block(TIMEOUT);
		assertThat(claim("body-2", LONG_TTL)).isInstanceOf(IdempotencyClaim.Mismatch.class);
	}

	@Test
	void releasedKeyCanBeClaimedAgainByAnyRequest() {
		IdempotencyClaim.Claimed first = claimed("body-1");
		this.store.release(first).block(TIMEOUT);
		assertThat(claim("body-2", LONG_TTL)).isInstanceOf(IdempotencyClaim.Claimed.class);
	}

	@Test
	void staleClaimCannotCompleteOrReleaseNewOwnersClaim() {
		IdempotencyClaim.Claimed stale = claimed("body-1");
		this.store.release(stale).block(TIMEOUT);
		IdempotencyClaim.Claimed current = claimed("body-1");
		assertThat(current.token()).isNotEqualTo(stale.token());
		this.store.complete(stale, "{\"stale\":true}").block(TIMEOUT);
		this.store.release(stale).block(TIMEOUT);
		assertThat(claim("body-1", LONG_TTL)).isInstanceOf(IdempotencyClaim.InProgress.class);
		this.store.complete(current, "{\"current\":true}").block(TIMEOUT);
		assertThat(claim("body-1", LONG_TTL)).isEqualTo(new IdempotencyClaim.Completed("{\"current\":true}"));
	}

	@Test
	void releaseAfterCompletionKeepsResult() {
		IdempotencyClaim.Claimed first = claimed("body-1");
		this.store.complete(first, "{\"n\":1}").block(TIMEOUT);
		this.store.release(first).block(TIMEOUT);
		this.store.complete(first, "{\"n\":2}").block(TIMEOUT);
		assertThat(claim("body-1", LONG_TTL)).isEqualTo(new IdempotencyClaim.Completed("{\"n\":1}"));
	}

	@Test
	void keysAreScopedByScope() {
		claimed("body-1");
		IdempotencyClaim other = this.store.claim(this.scope + "-other", this.key, "body-2", LONG_TTL).block(TIMEOUT);
		assertThat(other).isInstanceOf(IdempotencyClaim.Claimed.class);
	}

	@Test
	void recordExpiresAfterTtl() {
		IdempotencyClaim.Claimed first = (IdempotencyClaim.Claimed) claim("body-1", ttl());
		this.store.complete(first, "{}").block(TIMEOUT);
		awaitExpiry(ttl());
		assertThat(claim("body-2", LONG_TTL)).isInstanceOf(IdempotencyClaim.Claimed.class);
	}

	@Test
	void concurrentClaimsGrantExactlyOne() {
		int contenders = 16;
		List<IdempotencyClaim> outcomes = Flux.range(0, contenders)
			.flatMap((i) -> Mono.defer(() -> this.store.claim(this.scope, this.key, "body-1", LONG_TTL))
				.subscribeOn(Schedulers.parallel()), contenders)
			.collectList()
			.block(TIMEOUT);
		assertThat(outcomes).hasSize(contenders);
		assertThat(outcomes).filteredOn(IdempotencyClaim.Claimed.class::isInstance).hasSize(1);
		assertThat(outcomes).filteredOn(IdempotencyClaim.InProgress.class::isInstance).hasSize(contenders - 1);
	}

	@Test
	void awaitReturnsResultOnceFirstCompletes() {
		IdempotencyClaim.Claimed first = claimed("body-1");
		StepVerifier.create(this.store.await(this.scope, this.key, "body-1", LONG_TTL, TIMEOUT))
			.expectSubscription()
			.then(() -> this.store.complete(first, "{\"done\":1}").subscribe())
			.expectNext(new IdempotencyClaim.Completed("{\"done\":1}"))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void awaitClaimsKeyWhenFirstReleases() {
		IdempotencyClaim.Claimed first = claimed("body-1");
		StepVerifier.create(this.store.await(this.scope, this.key, "body-1", LONG_TTL, TIMEOUT))
			.expectSubscription()
			.then(() -> this.store.release(first).subscribe())
			.assertNext((claim) -> assertThat(claim).isInstanceOf(IdempotencyClaim.Claimed.class))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void awaitGivesUpWithInProgressAfterTimeout() {
		claimed("body-1");
		StepVerifier.create(this.store.await(this.scope, this.key, "body-1", LONG_TTL, Duration.ofMillis(200)))
			.expectNext(new IdempotencyClaim.InProgress())
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void awaitOfOtherRequestIsMismatchAtOnce() {
		claimed("body-1");
		StepVerifier.create(this.store.await(this.scope, this.key, "body-2", LONG_TTL, TIMEOUT))
			.expectNext(new IdempotencyClaim.Mismatch())
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void claimAllAnswersEachRequestInOrder() {
		IdempotencyClaim.Claimed done = (IdempotencyClaim.Claimed) this.store
			.claim(this.scope, this.key + "-done", "body-1", LONG_TTL)
			.block(TIMEOUT);
		this.store.complete(done, "{\"n\":1}").block(TIMEOUT);
		this.store.claim(this.scope, this.key + "-other", "body-1", LONG_TTL).block(TIMEOUT);

		List<IdempotencyClaim> claims = this.store.claimAll(this.scope,
				List.of(new IdempotentRequest(this.key, "body-1"), new IdempotentRequest(this.key + "-done", "body-1"),
						new IdempotentRequest(this.key + "-other", "body-2"), new IdempotentRequest(this.key, "body-1"),
						new IdempotentRequest(this.key, "body-3")),
				LONG_TTL)
			.block(TIMEOUT);

		assertThat(claims).hasSize(5);
		assertThat(claims.get(0)).isInstanceOfSatisfying(IdempotencyClaim.Claimed.class, (claimed) -> {
			assertThat(claimed.scope()).isEqualTo(this.scope);
			assertThat(claimed.key()).isEqualTo(this.key);
			assertThat(claimed.fingerprint()).isEqualTo("body-1");
		});
		assertThat(claims.get(1)).isEqualTo(new IdempotencyClaim.Completed("{\"n\":1}"));
		assertThat(claims.get(2)).isEqualTo(new IdempotencyClaim.Mismatch());
		assertThat(claims.get(3)).isEqualTo(new IdempotencyClaim.InProgress());
		assertThat(claims.get(4)).isEqualTo(new IdempotencyClaim.Mismatch());
	}

	@Test
	void claimsOfClaimAllCompleteAndReleaseLikeOthers() {
		List<IdempotencyClaim> claims = this.store
			.claimAll(this.scope, List.of(new IdempotentRequest(this.key + "-a", "body-a"),
					new IdempotentRequest(this.key + "-b", "body-b")), LONG_TTL)
			.block(TIMEOUT);
		assertThat(claims).allSatisfy((claim) -> assertThat(claim).isInstanceOf(IdempotencyClaim.Claimed.class));
		assertThat(((IdempotencyClaim.Claimed) claims.get(0)).token())
			.isNotEqualTo(((IdempotencyClaim.Claimed) claims.get(1)).token());

		this.store.complete((IdempotencyClaim.Claimed) claims.get(0), "{\"a\":1}").block(TIMEOUT);
		this.store.release((IdempotencyClaim.Claimed) claims.get(1)).block(TIMEOUT);

		assertThat(this.store.claim(this.scope, this.key + "-a", "body-a", LONG_TTL).block(TIMEOUT))
			.isEqualTo(new IdempotencyClaim.Completed("{\"a\":1}"));
		assertThat(this.store.claim(this.scope, this.key + "-b", "body-b", LONG_TTL).block(TIMEOUT))
			.isInstanceOf(IdempotencyClaim.Claimed.class);
		assertThat(this.store.claimAll(this.scope, List.of(), LONG_TTL).block(TIMEOUT)).isEmpty();
	}

	private IdempotencyClaim claim(String fingerprint, Duration ttl) {
		IdempotencyClaim claim = this.store.claim(this.scope, this.key, fingerprint, ttl).block(TIMEOUT);
		assertThat(claim).isNotNull();
		return claim;
	}

	private IdempotencyClaim.Claimed claimed(String fingerprint) {
		IdempotencyClaim claim = claim(fingerprint, LONG_TTL);
		assertThat(claim).isInstanceOf(IdempotencyClaim.Claimed.class);
		return (IdempotencyClaim.Claimed) claim;
	}

}
