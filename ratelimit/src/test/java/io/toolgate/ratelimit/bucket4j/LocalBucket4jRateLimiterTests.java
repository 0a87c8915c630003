package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;

import io.toolgate.ratelimit.AbstractRateLimiterContractTests;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.support.ManualClock;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LocalBucket4jRateLimiter} against the {@link RateLimiter} contract, plus its
 * bounded map of buckets.
 */
class LocalBucket4jRateLimiterTests extends AbstractRateLimiterContractTests {

	private final ManualClock time = ManualClock.monotonic();

	private final LocalBucket4jRateLimiter limiter = new LocalBucket4jRateLimiter(100, this.time);

	@Override
	protected RateLimiter newLimiter() {
		return this.limiter;
	}

	@Override
	protected void advance(Duration duration) {
		this.time.advance(duration);
	}

	@Test
	void boundedMapDropsRefilledBucketsFirst() {
		LocalBucket4jRateLimiter small = new LocalBucket4jRateLimiter(2, this.time);
		LimitKey a = LimitKey.tool("a");
		LimitKey b = LimitKey.tool("b");
		consume(small, a, FIVE_PER_MINUTE, 5);
		this.time.advance(Duration.ofSeconds(30));
		consume(small, b, LimitSpec.perSecond("calls", 5), 5);
		this.time.advance(Duration.ofSeconds(2));
		consume(small, LimitKey.tool("c"), FIVE_PER_MINUTE, 1);
		assertThat(small.size()).isEqualTo(2);
		// b was idle past its period and dropped; a keeps its half-refilled bucket
		assertThat(consume(small, a, FIVE_PER_MINUTE, 5).allowed()).isFalse();
	}

	@Test
	void boundedMapDropsLeastRecentlyUsedWhenNoneIdle() {
		LocalBucket4jRateLimiter small = new LocalBucket4jRateLimiter(2, this.time);
		consume(small, LimitKey.tool("a"), FIVE_PER_MINUTE, 1);
		this.time.advance(Duration.ofSeconds(1));
		consume(small, LimitKey.tool("b"), FIVE_PER_MINUTE, 1);
		this.time.advance(Duration.ofSeconds(1));
		consume(small, LimitKey.tool("c"), FIVE_PER_MINUTE, 1);
		assertThat(small.size()).isEqualTo(2);
		assertThat(consume(small, LimitKey.tool("b"), FIVE_PER_MINUTE, 1).remaining()).isEqualTo(3);
	}

	@Test
	void pendingDecisionKeepsNoBucket() {
		var pending = this.limiter.tryConsume(requestsKey(), FIVE_PER_MINUTE, 5);
		assertThat(this.limiter.size()).isZero();
		StepVerifier.create(pending.map(RateLimitDecision::allowed)).expectNext(true).expectComplete().verify(TIMEOUT);
	}

}
