package io.toolgate.ratelimit.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.github.bucket4j.TimeMeter;

/** A Bucket4j clock that moves only when told; thread-safe. */
public final class ManualClock implements TimeMeter {

	private final AtomicLong nanos;

	private final boolean wallClockBased;

	private ManualClock(long startNanos, boolean wallClockBased) {
		this.nanos = new AtomicLong(startNanos);
		this.wallClockBased = wallClockBased;
	}

	/**
	 * Returns a wall clock starting now, as the replicas sharing Redis buckets need.
	 * @return the clock
	 */
	public static ManualClock wallClock() {
		return new ManualClock(System.currentTimeMillis() * 1_000_000L, true);
	}

	/**
	 * Returns a clock that is not a wall clock, starting at one second.
	 * @return the clock
	 */
	public static ManualClock monotonic() {
		return new ManualClock(1_000_000_000L, false);
	}

	/**
	 * Moves the clock forward.
	 * @param duration how far
	 */
	public void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

	@Override
	public long currentTimeNanos() {
		return this.nanos.get();
	}

	@Override
	public boolean isWallClockBased() {
		return this.wallClockBased;
	}

}
