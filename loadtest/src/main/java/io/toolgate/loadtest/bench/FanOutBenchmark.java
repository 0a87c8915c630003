package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.toolgate.loadtest.SseEvent;
import io.toolgate.loadtest.TurnCheck;
import reactor.core.publisher.Flux;

/**
 * Fan-out: turns whose model asks for k tool calls at once, each served by a worker with
 * a fixed latency L. The tool phase runs from the first {@code tool.call} event to the
 * last {@code tool.result} event, as the client receives them; with perfect parallelism
 * it takes L.
 */
final class FanOutBenchmark {

	private final LoadClient client;

	FanOutBenchmark(LoadClient client) {
		this.client = client;
	}

	/**
	 * @param concurrency turns running at once
	 * @param turns turns measured
	 * @param errors turns that failed or did not make exactly k calls
	 * @param phase the tool phase in milliseconds
	 */
	record Result(int concurrency, long turns, long errors, Latencies phase) {
	}

	Result runNow(String gatewayUrl, String apiKey, int calls, int turns, int concurrency) {
		Latencies phase = new Latencies();
		AtomicLong errors = new AtomicLong();
		long run = System.nanoTime();
		Flux.range(0, turns)
			.flatMap((i) -> this.client.turn(gatewayUrl + "/conversations/fanout-" + run + "-" + i + "/turns", apiKey,
					"Work on topic " + i, (event) -> {
					})
				.doOnNext((turn) -> {
					TurnCheck check = TurnCheck.of(turn.events());
					if (turn.status() != 200 || !check.valid() || check.toolCalls() != calls) {
						errors.incrementAndGet();
						return;
					}
					phase.recordNanos(toolPhaseNanos(turn));
				})
				.doOnError((ex) -> errors.incrementAndGet())
				.onErrorComplete(), concurrency)
			.blockLast(Duration.ofMinutes(5));
		return new Result(concurrency, phase.count(), errors.get(), phase);
	}

	private static long toolPhaseNanos(LoadClient.Turn turn) {
		long firstCall = Long.MAX_VALUE;
		long lastResult = 0;
		for (SseEvent event : turn.events()) {
			if ("tool.call".equals(event.event())) {
				firstCall = Math.min(firstCall, event.receivedNanos());
			}
			else if ("tool.result".equals(event.event())) {
				lastResult = Math.max(lastResult, event.receivedNanos());
			}
		}
		return lastResult - firstCall;
	}

}
