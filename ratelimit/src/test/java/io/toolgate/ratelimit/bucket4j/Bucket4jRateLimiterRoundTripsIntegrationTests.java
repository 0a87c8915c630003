package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.support.ManualClock;
import io.toolgate.ratelimit.support.RedisClientExtension;
import io.toolgate.ratelimit.support.RedisMonitor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Flux;

import static io.toolgate.ratelimit.AbstractRateLimiterContractTests.consume;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips of {@link Bucket4jRateLimiter}, counted on a private standalone
 * {@code redis-server} with {@code MONITOR}: every command a client sends is one round
 * trip; the commands its Lua script runs are not.
 */
class Bucket4jRateLimiterRoundTripsIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	@RegisterExtension
	static final RedisClientExtension redis = RedisClientExtension.standalone();

	private final ManualClock clock = ManualClock.wallClock();

	private final List<StatefulConnection<?, ?>> connections = new ArrayList<>();

	private final LimitKey key = LimitKey.tenantRequests("t-" + UUID.randomUUID());

	private RedisMonitor monitor;

	@BeforeEach
	void startMonitor() {
		this.monitor = RedisMonitor.start(redis.server().port());
	}

	@AfterEach
	void closeConnections() {
		this.connections.forEach(StatefulConnection::close);
		this.monitor.close();
	}

	private Bucket4jRateLimiter replica(Bucket4jRateLimiter.Options options) {
		StatefulRedisConnection<String, byte[]> connection = redis.client().connect(Bucket4jRateLimiter.CODEC);
		this.connections.add(connection);
		return Bucket4jRateLimiter.standalone(connection, options);
	}

	private Bucket4jRateLimiter replica() {
		return replica(options());
	}

	/**
	 * Options with the shared manual clock and refunds held for a minute, i.e. until the
	 * next decision.
	 */
	private Bucket4jRateLimiter.Options options() {
		return Bucket4jRateLimiter.Options.of(TIMEOUT).withClock(this.clock).withRefundDelay(Duration.ofMinutes(1));
	}

	private List<List<String>> sent() {
		return this.monitor.takeSent(TIMEOUT);
	}

	@Test
	void decidesInOneRoundTripOnceItKnowsTheBucket() {
		Bucket4jRateLimiter limiter = replica();
		LimitSpec spec = LimitSpec.perMinute("requests", 10);
		consume(limiter, this.key, spec, 1);
		sent();
		List<Boolean> allowed = new ArrayList<>();
		for (int i = 0; i < 14; i++) {
			allowed.add(consume(limiter, this.key, spec, 1).allowed());
		}
		assertThat(allowed).containsExactly(true, true, true, true, true, true, true, true, true, false, false, false,
				false, false);
		assertThat(sent()).hasSize(14).allSatisfy((command) -> assertThat(command.get(0)).isEqualTo("evalsha"));
	}

	@Test
	void createsABucketInOneRoundTrip() {
		Bucket4jRateLimiter limiter = replica();
		LimitSpec spec = LimitSpec.perMinute("requests", 10);
		// The first call of the run may load the script (NOSCRIPT, then EVAL).
		consume(limiter, LimitKey.tenantTokens("warm-up-" + UUID.randomUUID()), spec, 1);
		sent();
		assertThat(consume(limiter, this.key, spec, 1).remaining()).isEqualTo(9);
		assertThat(sent()).hasSize(1);
	}

	@Test
	void aDecisionAfterAnotherReplicasWriteCostsOneMoreRoundTripAndSeesIt() {
		Bucket4jRateLimiter a = replica();
		Bucket4jRateLimiter b = replica();
		LimitSpec spec = LimitSpec.perMinute("requests", 10);
		consume(a, this.key, spec, 1);
		consume(b, this.key, spec, 2);
		sent();
		assertThat(consume(a, this.key, spec, 1).remaining()).isEqualTo(6);
		assertThat(sent()).hasSize(2);
		assertThat(consume(a, this.key, spec, 1).remaining()).isEqualTo(5);
		assertThat(sent()).hasSize(1);
	}

	@Test
	void returnedTokensTravelWithTheNextDecision() {
		Bucket4jRateLimiter limiter = replica();
		LimitSpec spec = LimitSpec.perMinute("tokens", 1_000);
		consume(limiter, this.key, spec, 400);
		sent();
		limiter.adjust(this.key, spec, -300).block(TIMEOUT);
		assertThat(sent()).isEmpty();
		assertThat(consume(limiter, this.key, spec, 1).remaining()).isEqualTo(899);
		assertThat(sent()).hasSize(1);
	}

	@Test
	void returnedTokensGoAloneOnceTheRefundDelayIsOver() throws InterruptedException {
		Bucket4jRateLimiter limiter = replica(options().withRefundDelay(Duration.ofMillis(100)));
		Bucket4jRateLimiter other = replica();
		LimitSpec spec = LimitSpec.perMinute("tokens", 1_000);
		consume(limiter, this.key, spec, 400);
		consume(other, this.key, spec, 100);
		sent();
		limiter.adjust(this.key, spec, -300).block(TIMEOUT);
		// The held tokens meet the other replica's write: one round trip to learn of it,
		// one to store them.
		List<List<String>> sent = new ArrayList<>();
		long deadline = System.nanoTime() + TIMEOUT.toNanos();
		while (sent.size() < 2 && System.nanoTime() - deadline < 0) {
			Thread.sleep(50);
			sent.addAll(sent());
		}
		Thread.sleep(200);
		sent.addAll(sent());
		assertThat(sent).hasSize(2);
		assertThat(consume(other, this.key, spec, 1).remaining()).isEqualTo(799);
	}

	@Test
	void bucketsBeyondTheBoundAreForgottenAndStillDecidedExactly() {
		Bucket4jRateLimiter limiter = replica(options().withMaxBuckets(1));
		LimitSpec spec = LimitSpec.perMinute("requests", 10);
		LimitKey other = LimitKey.tenantTokens(this.key.value());
		for (int i = 0; i < 5; i++) {
			assertThat(consume(limiter, this.key, spec, 1).remaining()).isEqualTo(9 - i);
			assertThat(consume(limiter, other, spec, 1).remaining()).isEqualTo(9 - i);
		}
	}

	@Test
	void concurrentDecisionsOfOneReplicaNeverConflict() {
		Bucket4jRateLimiter limiter = replica();
		LimitSpec spec = LimitSpec.perMinute("requests", 100);
		consume(limiter, this.key, spec, 1);
		sent();
		long admitted = Flux.range(0, 120)
			.flatMap((i) -> limiter.tryConsume(this.key, spec, 1), 120)
			.filter(RateLimitDecision::allowed)
			.count()
			.block(TIMEOUT);
		assertThat(admitted).isEqualTo(99);
		// Decisions made while one is in flight go together: at most one round trip each,
		// none repeated.
		assertThat(sent()).hasSizeBetween(1, 120);
	}

}
