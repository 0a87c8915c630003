package io.toolgate.dispatcher.admission;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;

/**
 * Bounds the turns running on this replica. There is no queue: a turn beyond the bound is
 * rejected at once with 503 and {@code Retry-After}, so load sheds to other replicas
 * instead of piling up here. While draining, every new turn is rejected.
 */
public class AdmissionController {

	private final int maxConcurrentTurns;

	private final Duration retryAfter;

	private final AtomicInteger running = new AtomicInteger();

	private final AtomicInteger rejected = new AtomicInteger();

	private volatile boolean draining;

	/**
	 * Creates a controller.
	 * @param maxConcurrentTurns the bound, at least 1
	 * @param retryAfter the {@code Retry-After} of rejections
	 */
	public AdmissionController(int maxConcurrentTurns, Duration retryAfter) {
		if (maxConcurrentTurns < 1) {
			throw new IllegalArgumentException("maxConcurrentTurns must be at least 1");
		}
		this.maxConcurrentTurns = maxConcurrentTurns;
		this.retryAfter = retryAfter;
	}

	/**
	 * Admits a turn.
	 * @return a permit to release exactly once when the turn ends
	 * @throws ToolgateException 503 when saturated or draining
	 */
	public Permit admit() {
		if (this.draining) {
			throw reject("This replica is shutting down; retry on another");
		}
		while (true) {
			int current = this.running.get();
			if (current >= this.maxConcurrentTurns) {
				throw reject("Too many concurrent turns on this replica; retry shortly");
			}
			if (this.running.compareAndSet(current, current + 1)) {
				return new Permit();
			}
		}
	}

	/**
	 * Checks, without taking a slot, that a turn would be admitted now: the cheap check
	 * at the edge, before the tenant's rate limit is spent. {@link #admit()} still takes
	 * the slot, and may still refuse if the last slot went in between.
	 * @throws ToolgateException 503 when saturated or draining, counted as a rejection
	 * like {@link #admit()}'s
	 */
	public void checkAdmissible() {
		if (this.draining) {
			throw reject("This replica is shutting down; retry on another");
		}
		if (this.running.get() >= this.maxConcurrentTurns) {
			throw reject("Too many concurrent turns on this replica; retry shortly");
		}
	}

	/** Stops admitting turns; running ones finish. */
	public void startDraining() {
		this.draining = true;
	}

	/** Whether this replica stopped admitting turns. */
	public boolean isDraining() {
		return this.draining;
	}

	/** Turns running now. */
	public int running() {
		return this.running.get();
	}

	/** The bound. */
	public int maxConcurrentTurns() {
		return this.maxConcurrentTurns;
	}

	/** Turns rejected since start. */
	public int rejectedCount() {
		return this.rejected.get();
	}

	private ToolgateException reject(String message) {
		this.rejected.incrementAndGet();
		return new ToolgateException(ErrorType.SATURATED, ErrorType.SATURATED.code(), message, this.retryAfter,
				Map.of());
	}

	/** A running turn's slot; {@link #release()} is idempotent. */
	public final class Permit {

		private final AtomicBoolean released = new AtomicBoolean();

		private Permit() {
		}

		/** Frees the slot. */
		public void release() {
			tryRelease();
		}

		/**
		 * Frees the slot unless it was freed already.
		 * @return whether this call freed it
		 */
		public boolean tryRelease() {
			if (this.released.compareAndSet(false, true)) {
				AdmissionController.this.running.decrementAndGet();
				return true;
			}
			return false;
		}

	}

}
