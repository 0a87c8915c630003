package io.toolgate.store;

import java.time.Duration;

/**
 * What the store contract suites share: the bound of every reactive verification and the
 * passage of time. Subclasses provide the time: an in-memory implementation advances its
 * clock, a Redis one sleeps past a short time to live.
 */
public abstract class AbstractExpiringStoreContractTests {

	/** Bound of every reactive verification. */
	protected static final Duration TIMEOUT = Duration.ofSeconds(5);

	/** A time to live no test outlives. */
	protected static final Duration LONG_TTL = Duration.ofHours(1);

	/**
	 * Lets at least {@code duration} pass as the implementation measures time.
	 * @param duration how long
	 */
	protected abstract void elapse(Duration duration);

	/**
	 * The short time to live the expiry tests use; an implementation on real time may
	 * choose a longer one.
	 * @return 1 second unless overridden
	 */
	protected Duration ttl() {
		return Duration.ofSeconds(1);
	}

	/**
	 * Extra time {@link #awaitExpiry(Duration)} waits beyond a time to live.
	 * @return 100 ms unless overridden
	 */
	protected Duration expiryMargin() {
		return Duration.ofMillis(100);
	}

	/**
	 * Lets a time to live pass.
	 * @param ttl the time to live
	 */
	protected final void awaitExpiry(Duration ttl) {
		elapse(ttl.plus(expiryMargin()));
	}

}
