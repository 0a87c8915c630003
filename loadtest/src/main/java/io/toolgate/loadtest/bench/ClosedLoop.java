package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.function.Supplier;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A closed-loop load: a fixed number of connections, each sending its next request as
 * soon as the previous one has ended, until a deadline. Throughput is what the target
 * sustains at that concurrency, as the floor comparison needs; unlike {@link FixedRate},
 * a slow target gets fewer requests rather than a queue.
 */
final class ClosedLoop {

	private ClosedLoop() {
	}

	/**
	 * Runs the loops and waits until the last request has ended (blocking; call from the
	 * runner's main thread).
	 * @param connections requests in flight at any time
	 * @param duration how long new requests are started
	 * @param request creates one request; called again for every request, its failures
	 * are the caller's to count
	 */
	static void runNow(int connections, Duration duration, Supplier<Mono<?>> request) {
		long deadline = System.nanoTime() + duration.toNanos();
		Flux.range(0, connections)
			.flatMap((connection) -> Mono.defer(request)
				.onErrorResume((ex) -> Mono.empty())
				.then()
				.repeat(() -> System.nanoTime() < deadline), connections)
			.then()
			.block(duration.plusMinutes(3));
	}

}
