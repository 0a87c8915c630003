package io.toolgate.ratelimit;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Behaviour every {@link RateLimiter} must show, whatever keeps its buckets: exact
 * capacity, decisions as values, separate keys, refill, adjustments and argument checks.
 * Subclasses create the limiter and move its clock.
 */
public abstract class AbstractRateLimiterContractTests {

	protected static final Duration TIMEOUT = Duration.ofSeconds(10);

	protected static final LimitSpec FIVE_PER_MINUTE = LimitSpec.perMinute("requests", 5);

	/** A tenant of its own per test, so that buckets of earlier tests never interfere. */
	protected final String tenant = "t-" + UUID.randomUUID();

	/**
	 * Creates a limiter on the subclass's backend and clock.
	 * @return a new limiter
	 */
	protected abstract RateLimiter newLimiter();

	/**
	 * Moves the clock of the limiters created by {@link #newLimiter()}.
	 * @param duration how far
	 */
	protected abstract void advance(Duration duration);

	protected LimitKey requestsKey() {
		return LimitKey.tenantRequests(this.tenant);
	}

	@Test
	void admitsExactlyCapacityThenDenies() {
		RateLimiter limiter = newLimiter();
		List<Boolean> allowed = Flux.range(0, 7)
			.concatMap((i) -> limiter.tryConsume(requestsKey(), FIVE_PER_MINUTE, 1))
			.map(RateLimitDecision::allowed)
			.collectList()
			.block(TIMEOUT);
		assertThat(allowed).containsExactly(true, true, true, true, true, false, false);
	}

	@Test
	void concurrentConsumersGetExactlyCapacity() {
		RateLimiter limiter = newLimiter();
		LimitSpec spec = LimitSpec.perMinute("requests", 50);
		long admitted = Flux.range(0, 200)
			.flatMap((i) -> limiter.tryConsume(requestsKey(), spec, 1).subscribeOn(Schedulers.parallel()), 16)
			.filter(RateLimitDecision::allowed)
			.count()
			.block(TIMEOUT);
		assertThat(admitted).isEqualTo(50);
	}

	@Test
	void decisionReportsLimitRemainingAndReset() {
		RateLimitDecision first = consume(newLimiter(), requestsKey(), FIVE_PER_MINUTE, 1);
		assertThat(first.allowed()).isTrue();
		assertThat(first.limit()).isEqualTo(5);
		assertThat(first.remaining()).isEqualTo(4);
		assertThat(first.retryAfter()).isZero();
		assertThat(first.resetAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void deniedDecisionCarriesPositiveRetryAfter() {
		RateLimiter limiter = newLimiter();
		consume(limiter, requestsKey(), FIVE_PER_MINUTE, 5);
		RateLimitDecision denied = consume(limiter, requestsKey(), FIVE_PER_MINUTE, 1);
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isZero();
		assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(12));
		assertThat(denied.resetAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void separateKeysHaveSeparateBuckets() {
		RateLimiter limiter = newLimiter();
		LimitSpec spec = LimitSpec.perMinute("requests", 2);
		consume(limiter, requestsKey(), spec, 2);
		assertThat(consume(limiter, requestsKey(), spec, 1).allowed()).isFalse();
		assertThat(consume(limiter, LimitKey.tenantTokens(this.tenant), spec, 1).allowed()).isTrue();
		assertThat(consume(limiter, LimitKey.tenantRequests(this.tenant + "-other"), spec, 1).allowed()).isTrue();
	}

	@Test
	void refillsGreedilyAsTimePasses() {
		RateLimiter limiter = newLimiter();
		LimitSpec spec = LimitSpec.perMinute("requests", 6);
		consume(limiter, requestsKey(), spec, 6);
		RateLimitDecision denied = consume(limiter, requestsKey(), spec, 1);
		assertThat(denied.allowed()).isFalse();
		advance(denied.retryAfter());
		assertThat(consume(limiter, requestsKey(), spec, 1).allowed()).isTrue();
		assertThat(consume(limiter, requestsKey(), spec, 1).allowed()).isFalse();
		advance(Duration.ofMinutes(1));
		RateLimitDecision full = consume(limiter, requestsKey(), spec, 1);
		assertThat(full.allowed()).isTrue();
		assertThat(full.remaining()).isEqualTo(5);
	}

	@Test
	void consumesSeveralTokensAtOnce() {
		RateLimiter limiter = newLimiter();
		LimitSpec tokens = LimitSpec.perMinute("tokens", 1_000);
		LimitKey tokensKey = LimitKey.tenantTokens(this.tenant);
		assertThat(consume(limiter, tokensKey, tokens, 600).remaining()).isEqualTo(400);
		RateLimitDecision denied = consume(limiter, tokensKey, tokens, 500);
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isEqualTo(400);
		assertThat(denied.retryAfter()).isPositive();
		assertThat(consume(limiter, tokensKey, tokens, 400).allowed()).isTrue();
	}

	@Test
	void requestBeyondCapacityIsAlwaysDenied() {
		RateLimitDecision denied = consume(newLimiter(), requestsKey(), FIVE_PER_MINUTE, 6);
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isEqualTo(5);
	}

	@Test
	void changedSpecStartsNewBucket() {
		RateLimiter limiter = newLimiter();
		consume(limiter, requestsKey(), FIVE_PER_MINUTE, 5);
		assertThat(consume(limiter, requestsKey(), LimitSpec.perMinute("requests", 10), 1).remaining()).isEqualTo(9);
	}

	@Test
	void adjustTakesAndReturnsTokens() {
		RateLimiter limiter = newLimiter();
		LimitSpec spec = LimitSpec.perMinute("tokens", 1_000);
		LimitKey key = LimitKey.tenantTokens(this.tenant);
		consume(limiter, key, spec, 400);
		limiter.adjust(key, spec, -300).block(TIMEOUT);
		assertThat(consume(limiter, key, spec, 1).remaining()).isEqualTo(899);
		limiter.adjust(key, spec, 1_500).block(TIMEOUT);
		RateLimitDecision inDebt = consume(limiter, key, spec, 1);
		assertThat(inDebt.allowed()).isFalse();
		assertThat(inDebt.remaining()).isZero();
		assertThat(inDebt.retryAfter()).isGreaterThan(Duration.ofSeconds(30));
	}

	@Test
	void nonPositiveTokensAreRejected() {
		RateLimiter limiter = newLimiter();
		assertThatIllegalArgumentException().isThrownBy(() -> limiter.tryConsume(requestsKey(), FIVE_PER_MINUTE, 0));
	}

	@Test
	void decisionIsLazy() {
		RateLimiter limiter = newLimiter();
		var pending = limiter.tryConsume(requestsKey(), FIVE_PER_MINUTE, 4);
		// Nothing is taken until the decision is subscribed to.
		assertThat(consume(limiter, requestsKey(), FIVE_PER_MINUTE, 1).remaining()).isEqualTo(4);
		StepVerifier.create(pending.map(RateLimitDecision::remaining)).expectNext(0L).expectComplete().verify(TIMEOUT);
	}

	/**
	 * Takes tokens and waits for the decision.
	 * @param limiter the limiter
	 * @param key the bucket
	 * @param spec its capacity and refill
	 * @param tokens how many
	 * @return the decision, never {@code null}
	 */
	public static RateLimitDecision consume(RateLimiter limiter, LimitKey key, LimitSpec spec, long tokens) {
		RateLimitDecision decision = limiter.tryConsume(key, spec, tokens).block(TIMEOUT);
		assertThat(decision).isNotNull();
		return decision;
	}

}
