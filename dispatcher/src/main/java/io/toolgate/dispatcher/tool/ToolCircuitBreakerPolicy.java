package io.toolgate.dispatcher.tool;

import java.time.Duration;

/**
 * When a tool's circuit breaker opens and how it recovers: a count-based sliding window
 * over the tool's attempts on this replica, opened when the failure rate or the slow-call
 * rate reaches its threshold, held open for a fixed wait, then half-open for a few trial
 * calls.
 *
 * @param enabled whether the tool has a breaker at all; a disabled one adds nothing to a
 * call
 * @param failureRateThreshold the percentage of failed attempts (worker errors and
 * timeouts) in the window that opens the breaker, above 0 and at most 100
 * @param slowCallRateThreshold the percentage of slow attempts in the window that opens
 * the breaker, above 0 and at most 100
 * @param slowCallDuration an attempt longer than this is slow
 * @param slidingWindowSize how many of the latest attempts the rates are computed over
 * @param minimumCalls how many attempts the window needs before the rates count, at most
 * {@code slidingWindowSize}
 * @param waitInOpen how long the breaker stays open before it lets trial calls through
 * @param halfOpenCalls how many trial calls decide whether it closes again
 */
public record ToolCircuitBreakerPolicy(boolean enabled, float failureRateThreshold, float slowCallRateThreshold,
		Duration slowCallDuration, int slidingWindowSize, int minimumCalls, Duration waitInOpen, int halfOpenCalls) {

	/**
	 * Validates the policy.
	 * @throws IllegalArgumentException naming the invalid field
	 */
	public ToolCircuitBreakerPolicy {
		if (!(failureRateThreshold > 0 && failureRateThreshold <= 100)) {
			throw new IllegalArgumentException(
					"circuit-breaker.failure-rate-threshold must be a percentage above 0 and at most 100");
		}
		if (!(slowCallRateThreshold > 0 && slowCallRateThreshold <= 100)) {
			throw new IllegalArgumentException(
					"circuit-breaker.slow-call-rate-threshold must be a percentage above 0 and at most 100");
		}
		if (!slowCallDuration.isPositive()) {
			throw new IllegalArgumentException("circuit-breaker.slow-call-duration must be positive");
		}
		if (slidingWindowSize < 1) {
			throw new IllegalArgumentException("circuit-breaker.sliding-window-size must be at least 1");
		}
		if (minimumCalls < 1 || minimumCalls > slidingWindowSize) {
			throw new IllegalArgumentException(
					"circuit-breaker.minimum-calls must be at least 1 and at most circuit-breaker.sliding-window-size");
		}
		if (waitInOpen.toMillis() < 1) {
			throw new IllegalArgumentException("circuit-breaker.wait-in-open must be at least 1ms");
		}
		if (halfOpenCalls < 1) {
			throw new IllegalArgumentException("circuit-breaker.half-open-calls must be at least 1");
		}
	}

	/**
	 * The defaults: enabled, opens at a 50% failure rate or a 100% slow-call rate over
	 * the last 20 attempts once 10 were made, waits 30s open, then lets 3 trial calls
	 * through.
	 * @param slowCallDuration the slow-call bound, by default the tool's timeout
	 * @return the policy
	 */
	public static ToolCircuitBreakerPolicy ofDefaults(Duration slowCallDuration) {
		return new ToolCircuitBreakerPolicy(true, 50, 100, slowCallDuration, 20, 10, Duration.ofSeconds(30), 3);
	}

}
