package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongFunction;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * An open-model arrival process: {@code rate} requests per second for a duration, each
 * started at its own intended time whatever the state of earlier ones (a millisecond
 * timer releases the requests that are due).
 */
final class FixedRate {

	private FixedRate() {
	}

	/**
	 * Runs the arrivals and waits until every request has ended (blocking; call from the
	 * runner's main thread).
	 * @param rate requests per second
	 * @param duration how long arrivals last
	 * @param request starts request {@code i} given its intended start
	 * ({@link System#nanoTime()})
	 * @return how many requests were started
	 */
	static long runNow(double rate, Duration duration, LongFunction<Mono<?>> request) {
		long count = Math.round(rate * duration.toNanos() / 1e9);
		double periodNanos = 1e9 / rate;
		long start = System.nanoTime() + 20_000_000;
		long[] next = { 0 };
		Flux<Long> due = Flux.interval(Duration.ofMillis(1), Schedulers.single())
			.onBackpressureDrop()
			.concatMapIterable((tick) -> {
				long elapsed = System.nanoTime() - start;
				long upTo = Math.min(count, (elapsed < 0) ? 0 : (long) (elapsed / periodNanos) + 1);
				List<Long> indices = new ArrayList<>();
				while (next[0] < upTo) {
					indices.add(next[0]++);
				}
				return indices;
			})
			.take(count);
		due.flatMap((index) -> request.apply(start + (long) (index * periodNanos)).onErrorResume((ex) -> Mono.empty()),
				100_000)
			.then()
			.block(duration.plusMinutes(3));
		return count;
	}

}
