package io.toolgate.dispatcher.tool;

import java.time.Duration;

/**
 * How a tool call is retried after a retryable failure (timeout, worker error):
 * exponential backoff with jitter.
 *
 * @param maxAttempts total attempts, the first included; {@code 1} means no retry
 * @param initialBackoff the backoff before the second attempt
 * @param maxBackoff the cap on any single backoff
 * @param jitter the random jitter factor applied to each backoff, from 0 to 1
 */
public record ToolRetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, double jitter) {

	/**
	 * Validates the policy.
	 * @throws IllegalArgumentException naming the invalid field
	 */
	public ToolRetryPolicy {
		if (maxAttempts < 1) {
			throw new IllegalArgumentException("retry.max-attempts must be at least 1");
		}
		if (initialBackoff.isNegative() || initialBackoff.isZero()) {
			throw new IllegalArgumentException("retry.initial-backoff must be positive");
		}
		if (maxBackoff.compareTo(initialBackoff) < 0) {
			throw new IllegalArgumentException("retry.max-backoff must not be less than retry.initial-backoff");
		}
		if (!(jitter >= 0 && jitter <= 1)) {
			throw new IllegalArgumentException("retry.jitter must be between 0 and 1");
		}
	}

	/** The defaults: 3 attempts, 100ms initial backoff, 2s max backoff, jitter 0.5. */
	public static ToolRetryPolicy ofDefaults() {
		return new ToolRetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(2), 0.5);
	}

	/**
	 * An upper bound of the total time spent backing off between all attempts, jitter
	 * included.
	 */
	public Duration backoffBound() {
		Duration total = Duration.ZERO;
		Duration next = this.initialBackoff;
		for (int retry = 1; retry < this.maxAttempts; retry++) {
			Duration capped = (next.compareTo(this.maxBackoff) > 0) ? this.maxBackoff : next;
			total = total.plus(capped).plus(capped.multipliedBy(Math.round(this.jitter * 100)).dividedBy(100));
			next = next.multipliedBy(2);
		}
		return total;
	}

}
