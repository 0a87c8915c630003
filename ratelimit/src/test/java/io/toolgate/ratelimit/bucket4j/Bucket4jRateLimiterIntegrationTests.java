package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiterUnavailableException;
import io.toolgate.ratelimit.support.RedisClientExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Bucket4jRateLimiter} on a private standalone {@code redis-server}, including a
 * hung Redis.
 */
class Bucket4jRateLimiterIntegrationTests extends AbstractBucket4jRateLimiterIntegrationTests {

	@RegisterExtension
	static final RedisClientExtension redis = RedisClientExtension.standalone();

	@Override
	Bucket4jRateLimiter newReplica(Bucket4jRateLimiter.Options options) {
		return Bucket4jRateLimiter.standalone(track(redis.client().connect(Bucket4jRateLimiter.CODEC)), options);
	}

	@Override
	long pttl(String key) {
		StatefulRedisConnection<String, String> connection = track(redis.client().connect());
		return connection.sync().pttl(key);
	}

	@Override
	AbstractRedisClient client() {
		return redis.client();
	}

	@Test
	void pausedRedisIsReportedUnavailableWithinTheTimeoutAndRecoversAfterResume() {
		Bucket4jRateLimiter limiter = newReplica(
				Bucket4jRateLimiter.Options.of(Duration.ofMillis(300)).withClock(this.clock));
		LimitSpec spec = LimitSpec.perMinute("requests", 5);
		assertThat(consume(limiter, requestsKey(), spec, 1).allowed()).isTrue();
		redis.server().pause();
		try {
			StepVerifier.create(limiter.tryConsume(requestsKey(), spec, 1))
				.expectErrorSatisfies((error) -> assertThat(error).isInstanceOf(RateLimiterUnavailableException.class)
					.hasMessageContaining("300ms"))
				.verify(TIMEOUT);
			StepVerifier.create(limiter.adjust(requestsKey(), spec, 1))
				.expectError(RateLimiterUnavailableException.class)
				.verify(TIMEOUT);
		}
		finally {
			redis.server().resume();
		}
		RateLimitDecision afterResume = consume(limiter, requestsKey(), spec, 1);
		assertThat(afterResume.allowed()).isTrue();
		// The timed-out calls may still have been applied once Redis woke up; never more
		// than the four issued.
		assertThat(afterResume.remaining()).isBetween(0L, 3L);
	}

	@Test
	void stoppedRedisIsReportedUnavailableAndRestartedRedisServesAgain() {
		Bucket4jRateLimiter limiter = newReplica(
				Bucket4jRateLimiter.Options.of(Duration.ofMillis(300)).withClock(this.clock));
		LimitSpec spec = LimitSpec.perMinute("requests", 5);
		assertThat(consume(limiter, requestsKey(), spec, 1).allowed()).isTrue();
		redis.server().stop();
		try {
			StepVerifier.create(limiter.tryConsume(requestsKey(), spec, 1))
				.expectError(RateLimiterUnavailableException.class)
				.verify(TIMEOUT);
		}
		finally {
			redis.server().restart();
		}
		// Lettuce reconnects by itself; the restarted Redis has lost the bucket, which
		// starts full. Lettuce replays
		// commands queued while disconnected, so the timed-out attempt may have been
		// applied too.
		StepVerifier.create(limiter.tryConsume(requestsKey(), spec, 1).retry(20))
			.assertNext((decision) -> assertThat(decision.remaining()).isBetween(0L, 4L))
			.expectComplete()
			.verify(TIMEOUT);
	}

}
