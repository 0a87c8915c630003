package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.toolgate.ratelimit.AbstractRateLimiterContractTests;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.support.ManualClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link RateLimiter} contract on Redis, plus what every Redis topology must show:
 * buckets shared by replicas on separate connections and expiring, hash-tagged keys.
 * Subclasses start the Redis and open the connections.
 */
abstract class AbstractBucket4jRateLimiterIntegrationTests extends AbstractRateLimiterContractTests {

	final ManualClock clock = ManualClock.wallClock();

	private final List<StatefulConnection<?, ?>> connections = new ArrayList<>();

	/** Opens a new connection and returns a limiter over it, as one replica would. */
	abstract Bucket4jRateLimiter newReplica(Bucket4jRateLimiter.Options options);

	/** The client the replicas connect with. */
	abstract AbstractRedisClient client();

	/**
	 * Returns the remaining time to live of a Redis key in milliseconds (-2 if it does
	 * not exist).
	 */
	abstract long pttl(String key);

	Bucket4jRateLimiter newReplica() {
		return newReplica(Bucket4jRateLimiter.Options.of(Duration.ofSeconds(2)).withClock(this.clock));
	}

	<C extends StatefulConnection<?, ?>> C track(C connection) {
		this.connections.add(connection);
		return connection;
	}

	@AfterEach
	void closeConnections() {
		this.connections.forEach(StatefulConnection::close);
	}

	@Override
	protected RateLimiter newLimiter() {
		return newReplica();
	}

	@Override
	protected void advance(Duration duration) {
		this.clock.advance(duration);
	}

	@Test
	void connectOpensItsOwnConnectionAndCloseClosesIt() {
		try (Bucket4jRateLimiter limiter = Bucket4jRateLimiter.connect(client(),
				Bucket4jRateLimiter.Options.of(TIMEOUT))) {
			assertThat(consume(limiter, requestsKey(), LimitSpec.perMinute("requests", 2), 1).remaining()).isOne();
		}
	}

	@Test
	void fleetWideLimitAdmitsExactlyCapacityAcrossTwoReplicas() {
		assertThat(admittedByTwoReplicas(LimitSpec.perMinute("requests", 20), 30, 8)).isEqualTo(20);
	}

	@Test
	void twoReplicasRacingOnOneBucketAdmitExactlyItsCapacity() {
		// Many decisions in flight on both connections at once, so each replica's swaps
		// keep meeting the other's.
		assertThat(admittedByTwoReplicas(LimitSpec.perMinute("requests", 100), 400, 64)).isEqualTo(100);
	}

	@Test
	void replicasSeeEachOthersConsumption() {
		RateLimiter a = newReplica();
		RateLimiter b = newReplica();
		LimitSpec spec = LimitSpec.perMinute("requests", 5);
		assertThat(consume(a, requestsKey(), spec, 3).remaining()).isEqualTo(2);
		RateLimitDecision fromB = consume(b, requestsKey(), spec, 1);
		assertThat(fromB.allowed()).isTrue();
		assertThat(fromB.remaining()).isEqualTo(1);
		assertThat(fromB.limit()).isEqualTo(5);
		RateLimitDecision denied = consume(a, requestsKey(), spec, 2);
		assertThat(denied.allowed()).isFalse();
		assertThat(denied.retryAfter()).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(12));
	}

	@Test
	void bucketLivesUnderOneHashTaggedKeyThatExpires() {
		RateLimiter limiter = newReplica();
		LimitSpec spec = LimitSpec.perSecond("calls", 3);
		LimitKey key = LimitKey.tenantTool(this.tenant, "weather");
		consume(limiter, key, spec, 1);
		String redisKey = Bucket4jRateLimiter.redisKey(key, spec);
		assertThat(redisKey).isEqualTo("tg:rl:{tenant:" + this.tenant + ":tool:weather}:3/1000");
		assertThat(pttl(redisKey)).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(11).toMillis());
	}

	/**
	 * Sends single-token decisions on one bucket to two replicas in turn, up to
	 * {@code inFlight} at once, and counts the admitted ones.
	 */
	private long admittedByTwoReplicas(LimitSpec spec, int decisions, int inFlight) {
		List<RateLimiter> replicas = List.of(newReplica(), newReplica());
		Long admitted = Flux.range(0, decisions)
			.flatMap((i) -> replicas.get(i % 2).tryConsume(requestsKey(), spec, 1), inFlight)
			.filter(RateLimitDecision::allowed)
			.count()
			.block(TIMEOUT);
		assertThat(admitted).isNotNull();
		return admitted;
	}

}
