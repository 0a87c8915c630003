package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;

import io.github.bucket4j.ConsumptionProbe;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;

/**
 * Turns Bucket4j's consumption probes into decisions, the same way for local and
 * distributed buckets.
 */
final class ProbeDecisions {

	private ProbeDecisions() {
	}

	static RateLimitDecision of(LimitSpec spec, ConsumptionProbe probe) {
		Duration retryAfter = probe.isConsumed() ? Duration.ZERO : Duration.ofNanos(probe.getNanosToWaitForRefill());
		return new RateLimitDecision(probe.isConsumed(), spec.capacity(), Math.max(0, probe.getRemainingTokens()),
				retryAfter, Duration.ofNanos(Math.max(0, probe.getNanosToWaitForReset())));
	}

	static void requirePositive(long tokens) {
		if (tokens < 1) {
			throw new IllegalArgumentException("tokens must be at least 1");
		}
	}

}
