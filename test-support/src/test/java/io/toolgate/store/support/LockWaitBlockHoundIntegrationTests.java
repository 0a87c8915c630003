package io.toolgate.store.support;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.AdaptiveByteBufAllocator;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link LockWaitBlockHoundIntegration} on the races that made requests of in-JVM test
 * applications hang on a loaded machine: each test makes non-blocking threads contend for
 * a lock inside Reactor or Netty many times over and requires that no wait was reported
 * and no clean-up was skipped. Without the integration, on two busy cores, the first
 * failed after 0.2 s and the second after 1.9 s.
 */
@Timeout(60)
class LockWaitBlockHoundIntegrationTests {

	private static final Duration BUDGET = Duration.ofSeconds(5);

	private final Scheduler ticks = Schedulers.newSingle("lock-wait-ticks");

	private final Scheduler cancellers = Schedulers.newParallel("lock-wait-cancellers", 2);

	@AfterEach
	void dispose() {
		this.ticks.dispose();
		this.cancellers.dispose();
	}

	@Test
	void cancelsAnIntervalOnANonBlockingThreadWhileItsSchedulerIsBusy() {
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		AtomicInteger finished = new AtomicInteger();
		int rounds = 0;
		long deadline = System.nanoTime() + BUDGET.toNanos();
		while (System.nanoTime() < deadline && errors.isEmpty()) {
			// A 1 µs period keeps the scheduler thread in its DelayedWorkQueue, whose
			// lock cancel must take.
			Disposable ticking = Flux.interval(Duration.ZERO, Duration.ofNanos(1000), this.ticks)
				.onBackpressureDrop()
				.doFinally(signal -> finished.incrementAndGet())
				.subscribe();
			Mono.fromRunnable(ticking::dispose)
				.subscribeOn(this.cancellers)
				.doOnError(errors::add)
				.onErrorComplete()
				.block(BUDGET);
			rounds++;
		}

		assertThat(errors).as("errors cancelling on a non-blocking thread").isEmpty();
		assertThat(finished).as("doFinally of %d cancelled intervals", rounds).hasValue(rounds);
	}

	@Test
	void allocatesFromAGrowingAdaptiveAllocatorOnNonBlockingThreads() {
		List<Throwable> errors = new CopyOnWriteArrayList<>();
		long deadline = System.nanoTime() + BUDGET.toNanos();
		while (System.nanoTime() < deadline && errors.isEmpty()) {
			// A fresh allocator starts with one shared magazine; contention grows the
			// magazines and frees the old
			// ones under their locks, as on the event loops of a fresh JVM.
			AdaptiveByteBufAllocator allocator = new AdaptiveByteBufAllocator(true, false);
			AtomicInteger ready = new AtomicInteger();
			Flux.range(0, 2)
				.flatMap(thread -> Mono.fromRunnable(() -> allocateMany(allocator, ready, 2))
					.subscribeOn(this.cancellers))
				.doOnError(errors::add)
				.onErrorComplete()
				.blockLast(BUDGET);
		}

		assertThat(errors).as("errors allocating on a non-blocking thread").isEmpty();
	}

	private static void allocateMany(AdaptiveByteBufAllocator allocator, AtomicInteger ready, int threads) {
		ready.incrementAndGet();
		while (ready.get() < threads) {
			// Busy: Thread.onSpinWait counts as blocking for BlockHound.
		}
		for (int i = 0; i < 2_000; i++) {
			ByteBuf buffer = allocator.directBuffer(64 + (i % 7) * 512);
			buffer.release();
		}
	}

}
