package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * A non-blocking semaphore bounding the in-flight executions of one tool on this replica.
 * <p>
 * A call that finds no free permit waits in a bounded FIFO queue for at most the given
 * wait; a call that finds the queue full, or waits too long, fails with a retryable
 * {@code rejected} {@link ToolExecutionException}. Waiting never blocks a thread: a
 * waiter is a {@link Sinks.One} completed by the call that releases a permit.
 * <p>
 * Written here rather than taken from resilience4j-bulkhead because that module's
 * reactive operator is not on the classpath and the logic is small. The state sits behind
 * a monitor held only for a few field updates, never across a signal.
 */
public final class ToolBulkhead {

	private final String name;

	private final int maxConcurrency;

	private final int maxWaiting;

	private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();

	private int inFlight;

	/**
	 * Creates a bulkhead.
	 * @param name the tool name, for messages
	 * @param maxConcurrency the number of permits, at least 1
	 * @param maxWaiting how many calls may wait for a permit, at least 0
	 */
	public ToolBulkhead(String name, int maxConcurrency, int maxWaiting) {
		if (maxConcurrency < 1 || maxWaiting < 0) {
			throw new IllegalArgumentException("maxConcurrency must be at least 1 and maxWaiting at least 0");
		}
		this.name = name;
		this.maxConcurrency = maxConcurrency;
		this.maxWaiting = maxWaiting;
	}

	/**
	 * Runs the source holding a permit, released when the source terminates or is
	 * cancelled.
	 * @param <T> the value type
	 * @param source the work, subscribed once a permit is held
	 * @param maxWait how long to wait for a permit
	 * @return the source's signals; emits a {@code rejected}
	 * {@link ToolExecutionException} if no permit was free within {@code maxWait}
	 */
	public <T> Mono<T> run(Supplier<Mono<T>> source, Duration maxWait) {
		return Mono.usingWhen(acquire(maxWait), permit -> source.get(), Permit::release);
	}

	/** The number of permits held now. */
	public synchronized int inFlight() {
		return this.inFlight;
	}

	/** The number of calls waiting for a permit now. */
	public synchronized int waiting() {
		return this.waiters.size();
	}

	private Mono<Permit> acquire(Duration maxWait) {
		return Mono.defer(() -> {
			Waiter waiter;
			synchronized (this) {
				if (this.inFlight < this.maxConcurrency) {
					this.inFlight++;
					return Mono.just(new Permit());
				}
				if (this.waiters.size() >= this.maxWaiting) {
					return Mono.error(rejected("waiting queue is full"));
				}
				waiter = new Waiter();
				this.waiters.addLast(waiter);
			}
			return waiter.sink.asMono()
				.timeout(maxWait)
				.onErrorResume(TimeoutException.class, ex -> giveUp(waiter))
				.doOnCancel(() -> abandon(waiter));
		});
	}

	private Mono<Permit> giveUp(Waiter waiter) {
		synchronized (this) {
			if (this.waiters.remove(waiter)) {
				return Mono.error(rejected("no permit within the wait bound"));
			}
		}
		// A release handed this waiter the permit while the wait timed out: use it.
		return Mono.just(waiter.permit);
	}

	private void abandon(Waiter waiter) {
		synchronized (this) {
			if (this.waiters.remove(waiter)) {
				return;
			}
		}
		// Granted but never delivered to the caller, which has gone: pass the permit on.
		waiter.permit.releaseNow();
	}

	private void releaseSlot() {
		Waiter next;
		synchronized (this) {
			next = this.waiters.pollFirst();
			if (next == null) {
				this.inFlight--;
				return;
			}
		}
		// The permit moves to the next waiter; in-flight count is unchanged.
		next.sink.tryEmitValue(next.permit);
	}

	private ToolExecutionException rejected(String why) {
		return new ToolExecutionException(ToolExecutionException.REJECTED,
				"Tool '" + this.name + "' is at its concurrency limit of " + this.maxConcurrency + " (" + why + ")",
				true);
	}

	private final class Waiter {

		final Sinks.One<Permit> sink = Sinks.one();

		final Permit permit = new Permit();

	}

	/** A held permit; releasing it twice has no further effect. */
	private final class Permit {

		private final AtomicBoolean released = new AtomicBoolean();

		Mono<Void> release() {
			return Mono.fromRunnable(this::releaseNow);
		}

		void releaseNow() {
			if (this.released.compareAndSet(false, true)) {
				releaseSlot();
			}
		}

	}

}
