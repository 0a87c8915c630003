package io.toolgate.ratelimit;

import java.time.Duration;

/**
 * A token bucket: {@code capacity} tokens, refilled greedily at {@code capacity} per
 * {@code period}.
 *
 * @param name the limit's name, reported in {@code RateLimit-Policy} and metrics (e.g.
 * {@code requests})
 * @param capacity the bucket size, at least 1
 * @param period the refill period, positive
 */
public record LimitSpec(String name, long capacity, Duration period) {

	public LimitSpec {
		if (capacity < 1) {
			throw new IllegalArgumentException("capacity must be at least 1");
		}
		if (period.isZero() || period.isNegative()) {
			throw new IllegalArgumentException("period must be positive");
		}
	}

	/** Returns a per-minute limit. */
	public static LimitSpec perMinute(String name, long capacity) {
		return new LimitSpec(name, capacity, Duration.ofMinutes(1));
	}

	/** Returns a per-second limit. */
	public static LimitSpec perSecond(String name, long capacity) {
		return new LimitSpec(name, capacity, Duration.ofSeconds(1));
	}

}
