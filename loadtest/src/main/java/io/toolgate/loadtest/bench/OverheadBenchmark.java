package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.toolgate.loadtest.fleet.ManagedProcess;
import org.jspecify.annotations.Nullable;

/**
 * Overhead: the same fixed-rate load of stateless chat completions sent straight to the
 * upstream simulator and through Toolgate (no tools registered, so the gateway only
 * relays), streaming and not, alternating targets at each rate. Added latency is the
 * difference of the two percentiles.
 */
final class OverheadBenchmark {

	private static final String PROMPT = "Explain back-pressure in reactive streams";

	private final LoadClient client;

	OverheadBenchmark(LoadClient client) {
		this.client = client;
	}

	/**
	 * One rate and mode, both targets, with the CPU each process used during the gateway
	 * run.
	 */
	record Row(double rate, boolean streaming, Stats direct, Stats gateway, double gatewayCpu, double upstreamCpu,
			double generatorCpu) {
	}

	List<Row> runNow(String upstreamUrl, String gatewayUrl, String apiKey, List<Double> rates, Duration duration,
			ManagedProcess gateway, ManagedProcess upstream) {
		// Warm both paths (JIT, connection pools) before anything is recorded.
		measure(upstreamUrl, null, false, rates.get(0), Duration.ofSeconds(5));
		measure(gatewayUrl, apiKey, false, rates.get(0), duration.multipliedBy(2));
		measure(gatewayUrl, apiKey, true, rates.get(0), duration);
		List<Row> rows = new ArrayList<>();
		for (double rate : rates) {
			for (boolean streaming : List.of(false, true)) {
				Stats direct = measure(upstreamUrl, null, streaming, rate, duration);
				long gatewayCpu = gateway.cpuMillis();
				long upstreamCpu = upstream.cpuMillis();
				long generatorCpu = ManagedProcess.cpuMillis(ProcessHandle.current().pid());
				long start = System.nanoTime();
				Stats through = measure(gatewayUrl, apiKey, streaming, rate, duration);
				double seconds = (System.nanoTime() - start) / 1e9;
				rows.add(new Row(rate, streaming, direct, through, share(gateway.cpuMillis() - gatewayCpu, seconds),
						share(upstream.cpuMillis() - upstreamCpu, seconds),
						share(ManagedProcess.cpuMillis(ProcessHandle.current().pid()) - generatorCpu, seconds)));
				System.out.printf(
						"overhead %.0f/s streaming=%s direct p50 %.2f p99 %.2f | gateway p50 %.2f p99 %.2f errors %d/%d%n",
						rate, streaming, direct.p50(), direct.p99(), through.p50(), through.p99(), direct.errors(),
						through.errors());
			}
		}
		return rows;
	}

	private static double share(long cpuMillis, double seconds) {
		return cpuMillis / 10.0 / seconds;
	}

	private Stats measure(String baseUrl, @Nullable String apiKey, boolean streaming, double rate, Duration duration) {
		byte[] body = LoadClient.chatBody(PROMPT, streaming);
		String url = baseUrl + "/chat/completions";
		Latencies total = new Latencies();
		Latencies first = new Latencies();
		AtomicLong errors = new AtomicLong();
		FixedRate.runNow(rate, duration,
				(start) -> this.client.chat(url, apiKey, body, streaming, start).doOnNext((timing) -> {
					if (!timing.valid()) {
						errors.incrementAndGet();
						return;
					}
					total.recordNanos(timing.totalNanos());
					first.recordNanos(timing.firstContentNanos());
				}).timeout(Duration.ofSeconds(60)).doOnError((ex) -> errors.incrementAndGet()));
		return Stats.of(total, first, errors.get());
	}

}
