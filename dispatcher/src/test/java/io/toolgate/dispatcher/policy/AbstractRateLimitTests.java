package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.bucket4j.LocalBucket4jRateLimiter;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the tests of the three limits share: local buckets on virtual time, the plan of
 * tenant {@code acme} (3 requests and 1,000 model tokens a minute; tools {@code weather}
 * 1, {@code clock} 4 and others 2 calls a second; {@code search} 1 a second fleet-wide)
 * and the decision counters.
 */
abstract class AbstractRateLimitTests {

	static final Duration TIMEOUT = Duration.ofSeconds(5);

	final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	final LocalBucket4jRateLimiter local = new LocalBucket4jRateLimiter(1_000, new VirtualTimeMeter(this.time));

	final RateLimitPlans plans = new RateLimitPlans(
			Map.of("small", new RatePlan(3, 1_000, Map.of("weather", 1L, "clock", 4L), 2)), Map.of("acme", "small"),
			RateLimitPlans.DEFAULT_PLAN, Map.of("search", 1L));

	final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	final StubRateLimiter unreachable() {
		StubRateLimiter stub = new StubRateLimiter(this.local);
		stub.down();
		return stub;
	}

	final void exhaust(String tenant, String tool, long tokens) {
		LimitSpec spec = this.plans.tenantTool(tenant, tool);
		assertThat(this.local.tryConsume(LimitKey.tenantTool(tenant, tool), spec, tokens).block(TIMEOUT).allowed())
			.isTrue();
	}

	final double decisions(String limit, String outcome) {
		return this.meters.get("toolgate.ratelimit.decisions")
			.tag("limit", limit)
			.tag("outcome", outcome)
			.counter()
			.count();
	}

	/** Bucket time that follows the virtual scheduler, so refills and waits agree. */
	private record VirtualTimeMeter(VirtualTimeScheduler time) implements TimeMeter {

		@Override
		public long currentTimeNanos() {
			return this.time.now(TimeUnit.NANOSECONDS);
		}

		@Override
		public boolean isWallClockBased() {
			return false;
		}

	}

}
