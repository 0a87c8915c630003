package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.TimeMeter;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class LocalBucket4jRateLimiterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final LimitSpec FIVE_PER_MINUTE = LimitSpec.perMinute("requests", 5);

	private final ManualTimeMeter time = new ManualTimeMeter();

	private final LocalBucket4jRateLimiter limiter = new LocalBucket4jRateLimiter(100, this.time);

	private final LimitKey key = LimitKey.tenantRequests("acme");

	@Test
	void admitsExactlyCapacityThenDenies() {
		List<Boolean> allowed = Flux.range(0, 7)
			.concatMap((i) -> this.limiter.tryConsume(this.key, FIVE_PER_MINUTE, 1))
			.map(RateLimitDecision::allowed)
			.collectList()
			.block(TIMEOUT);
		assertThat(allowed).containsExactly(true, true, true, true, true, false, false);
	}

	@Test
	void concurrentConsumersGetExactlyCapacity() {
		LimitSpec spec = LimitSpec.perMinute("requests", 50);
		long admitted = Flux.range(0, 200)
			.flatMap((i) -> this.limiter.tryConsume(this.key, spec, 1).subscribeOn(Schedulers.parallel()), 16)
			.filter(RateLimitDecision::allowed)
			.count()
			.block(TIMEOUT);
		assertThat(admitted).isEqualTo(50);
	}

	@Test
	void decisionReportsLimitRemainingAndReset() {
		RateLimitDecision first = consume(this.key, FIVE_PER_MINUTE, 1);
		assertThat(first.allowed()).isTrue();
		assertThat(first.limit()).isEqualTo(5);
		assertThat(first.remaining()).isEqualTo(4);
		assertThat(first.retryAfter()).isZero();
		assertThat(first.resetAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void deniedDecisionCarriesPositiveRetryAfter() {
		consume(this.key, FIVE_PER_MINUTE, 5);
		RateLimitDecision denied = consume(this.key, FIVE_PER_MINUTE, 1);
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isZero();
		assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(12));
		assertThat(denied.resetAfter()).isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
	}

	@Test
	void separateKeysHaveSeparateBuckets() {
		consume(this.key, FIVE_PER_MINUTE, 5);
		assertThat(consume(this.key, FIVE_PER_MINUTE, 1).allowed()).isFalse();
		assertThat(consume(LimitKey.tenantRequests("other"), FIVE_PER_MINUTE, 1).allowed()).isTrue();
	}

	@Test
	void refillsGreedilyAsTimePasses() {
		consume(this.key, FIVE_PER_MINUTE, 5);
		RateLimitDecision denied = consume(this.key, FIVE_PER_MINUTE, 1);
		this.time.advance(denied.retryAfter());
		assertThat(consume(this.key, FIVE_PER_MINUTE, 1).allowed()).isTrue();
		assertThat(consume(this.key, FIVE_PER_MINUTE, 1).allowed()).isFalse();
		this.time.advance(Duration.ofMinutes(1));
		RateLimitDecision full = consume(this.key, FIVE_PER_MINUTE, 1);
		assertThat(full.allowed()).isTrue();
		assertThat(full.remaining()).isEqualTo(4);
	}

	@Test
	void consumesSeveralTokensAtOnce() {
		LimitSpec tokens = LimitSpec.perMinute("tokens", 1_000);
		LimitKey tokensKey = LimitKey.tenantTokens("acme");
		assertThat(consume(tokensKey, tokens, 600).remaining()).isEqualTo(400);
		RateLimitDecision denied = consume(tokensKey, tokens, 500);
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isEqualTo(400);
		assertThat(denied.retryAfter()).isPositive();
		assertThat(consume(tokensKey, tokens, 400).allowed()).isTrue();
	}

	@Test
	void requestBeyondCapacityIsAlwaysDenied() {
		RateLimitDecision denied = consume(this.key, FIVE_PER_MINUTE, 6);
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.remaining()).isEqualTo(5);
	}

	@Test
	void changedSpecStartsNewBucket() {
		consume(this.key, FIVE_PER_MINUTE, 5);
		assertThat(consume(this.key, LimitSpec.perMinute("requests", 10), 1).remaining()).isEqualTo(9);
	}

	@Test
	void boundedMapDropsRefilledBucketsFirst() {
		LocalBucket4jRateLimiter small = new LocalBucket4jRateLimiter(2, this.time);
		LimitKey a = LimitKey.tool("a");
		LimitKey b = LimitKey.tool("b");
		small.tryConsume(a, FIVE_PER_MINUTE, 5).block(TIMEOUT);
		this.time.advance(Duration.ofSeconds(30));
		small.tryConsume(b, LimitSpec.perSecond("calls", 5), 5).block(TIMEOUT);
		this.time.advance(Duration.ofSeconds(2));
		small.tryConsume(LimitKey.tool("c"), FIVE_PER_MINUTE, 1).block(TIMEOUT);
		assertThat(small.size()).isEqualTo(2);
		// b was idle past its period and dropped; a keeps its half-refilled bucket
		assertThat(small.tryConsume(a, FIVE_PER_MINUTE, 5).block(TIMEOUT).allowed()).isFalse();
	}

	@Test
	void boundedMapDropsLeastRecentlyUsedWhenNoneIdle() {
		LocalBucket4jRateLimiter small = new LocalBucket4jRateLimiter(2, this.time);
		small.tryConsume(LimitKey.tool("a"), FIVE_PER_MINUTE, 1).block(TIMEOUT);
		this.time.advance(Duration.ofSeconds(1));
		small.tryConsume(LimitKey.tool("b"), FIVE_PER_MINUTE, 1).block(TIMEOUT);
		this.time.advance(Duration.ofSeconds(1));
		small.tryConsume(LimitKey.tool("c"), FIVE_PER_MINUTE, 1).block(TIMEOUT);
		assertThat(small.size()).isEqualTo(2);
		assertThat(small.tryConsume(LimitKey.tool("b"), FIVE_PER_MINUTE, 1).block(TIMEOUT).remaining()).isEqualTo(3);
	}

	@Test
	void nonPositiveTokensAreRejected() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.limiter.tryConsume(this.key, FIVE_PER_MINUTE, 0));
	}

	@Test
	void decisionIsLazy() {
		var pending = this.limiter.tryConsume(this.key, FIVE_PER_MINUTE, 5);
		assertThat(this.limiter.size()).isZero();
		StepVerifier.create(pending.map(RateLimitDecision::allowed)).expectNext(true).expectComplete().verify(TIMEOUT);
	}

	private RateLimitDecision consume(LimitKey limitKey, LimitSpec spec, long tokens) {
		RateLimitDecision decision = this.limiter.tryConsume(limitKey, spec, tokens).block(TIMEOUT);
		assertThat(decision).isNotNull();
		return decision;
	}

	private static final class ManualTimeMeter implements TimeMeter {

		private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

		void advance(Duration duration) {
			this.nanos.addAndGet(duration.toNanos());
		}

		@Override
		public long currentTimeNanos() {
			return this.nanos.get();
		}

		@Override
		public boolean isWallClockBased() {
			return false;
		}

	}

}
