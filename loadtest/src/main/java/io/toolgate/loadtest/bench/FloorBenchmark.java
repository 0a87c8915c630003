package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.toolgate.loadtest.fleet.ManagedProcess;
import org.jspecify.annotations.Nullable;

/**
 * The floor comparison: the same closed-loop load of stateless chat completions (the
 * model calls no tool) sent straight to the upstream simulator, through the Boot floor
 * proxy and through Toolgate, one target after the other, for each mode (non-streaming,
 * streaming) and number of connections, repeated. Each run records throughput, latency,
 * time to first content and the CPU each process used.
 */
final class FloorBenchmark {

	/**
	 * Shares no word with any tool of the demo registry, so the simulated model answers
	 * in text: the comparison is of the pass-through, a turn whose model calls no tool.
	 * (A prompt that matches a tool makes Toolgate run the tool and call the model twice,
	 * where the floor forwards one call.)
	 */
	private static final String PROMPT = "Say hello to the team";

	private final LoadClient client;

	private final Settings settings;

	FloorBenchmark(LoadClient client, Settings settings) {
		this.client = client;
		this.settings = settings;
	}

	/**
	 * How much load and for how long.
	 *
	 * @param connections the concurrencies compared
	 * @param window how long each run starts requests
	 * @param warmup load on each target before anything is recorded, half non-streaming
	 * and half streaming
	 * @param repeats runs per target, mode and concurrency
	 */
	record Settings(List<Integer> connections, Duration window, Duration warmup, int repeats) {

		/**
		 * The defaults, overridden by {@code --floor-seconds=},
		 * {@code --floor-warmup-seconds=} and {@code --floor-repeats=}.
		 */
		static Settings of(boolean quick, Map<String, String> options) {
			Settings defaults = quick ? new Settings(List.of(50, 200), Duration.ofSeconds(5), Duration.ofSeconds(10), 1)
					: new Settings(List.of(50, 200), Duration.ofSeconds(15), Duration.ofSeconds(60), 3);
			return new Settings(defaults.connections(), seconds(options, "floor-seconds", defaults.window()),
					seconds(options, "floor-warmup-seconds", defaults.warmup()),
					Integer.parseInt(options.getOrDefault("floor-repeats", Integer.toString(defaults.repeats()))));
		}

		private static Duration seconds(Map<String, String> options, String name, Duration fallback) {
			String value = options.get(name);
			return (value != null) ? Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000)) : fallback;
		}

	}

	/**
	 * A target of the load.
	 *
	 * @param name how the report names it
	 * @param baseUrl its {@code .../v1} URL
	 * @param apiKey the bearer key it expects, or none
	 * @param process the proxy process whose CPU is counted, or none (the upstream
	 * itself)
	 */
	record Target(String name, String baseUrl, @Nullable String apiKey, @Nullable ManagedProcess process) {
	}

	/**
	 * One run against one target.
	 *
	 * @param stats latencies (ms) and errors
	 * @param throughput requests completed within the window, per second
	 * @param proxyCpuMs the proxy's CPU per completed request, in ms (NaN for the direct
	 * target)
	 * @param upstreamCpuMs the upstream simulator's CPU per completed request
	 * @param generatorCpuMs the load generator's CPU per completed request
	 * @param generatorCores the load generator's CPU as a share of one core
	 */
	record Sample(Stats stats, double throughput, double proxyCpuMs, double upstreamCpuMs, double generatorCpuMs,
			double generatorCores) {
	}

	/** One repetition: the three targets under the same load, one after the other. */
	record Run(Sample direct, Sample floor, Sample toolgate) {
	}

	/** Every repetition of one mode and concurrency. */
	record Cell(boolean streaming, int connections, List<Run> runs) {
	}

	/**
	 * The first {@link #WARMUP_WINDOW} of load on a process just started (and answering):
	 * non-streaming, at the largest concurrency, before any other load.
	 *
	 * @param connections the concurrency
	 * @param floor the floor proxy's sample
	 * @param toolgate Toolgate's sample
	 */
	record Warmup(int connections, Sample floor, Sample toolgate) {
	}

	/** How long after start a process's CPU per request counts as warm-up. */
	static final Duration WARMUP_WINDOW = Duration.ofSeconds(20);

	private Warmup warmup;

	/** The warm-up measurement of the last {@link #runNow}, {@code null} before. */
	Warmup warmup() {
		return this.warmup;
	}

	List<Cell> runNow(Target direct, Target floor, Target toolgate, ManagedProcess upstream) {
		int most = this.settings.connections().stream().max(Integer::compare).orElse(1);
		Duration half = this.settings.warmup().dividedBy(2);
		// Both proxies were just started: their first seconds of load are the warm-up
		// measurement.
		Sample floorFirst = measure(floor, upstream, false, most, WARMUP_WINDOW);
		Sample toolgateFirst = measure(toolgate, upstream, false, most, WARMUP_WINDOW);
		this.warmup = new Warmup(most, floorFirst, toolgateFirst);
		System.out.printf("floor: first %d s after start: %s | %s%n", WARMUP_WINDOW.toSeconds(),
				line(floor, floorFirst), line(toolgate, toolgateFirst));
		for (Target target : List.of(direct, floor, toolgate)) {
			measure(target, upstream, false, most, half);
			measure(target, upstream, true, most, half);
			System.out.printf("floor: %s warmed up%n", target.name());
		}
		List<Cell> cells = new ArrayList<>();
		for (boolean streaming : List.of(false, true)) {
			for (int connections : this.settings.connections()) {
				cells.add(cell(direct, floor, toolgate, upstream, streaming, connections));
			}
		}
		return cells;
	}

	private Cell cell(Target direct, Target floor, Target toolgate, ManagedProcess upstream, boolean streaming,
			int connections) {
		List<Target> order = new ArrayList<>(List.of(direct, floor, toolgate));
		List<Run> runs = new ArrayList<>();
		for (int repeat = 0; repeat < this.settings.repeats(); repeat++) {
			// Each repetition starts with another target, so a drift of the machine does
			// not favour one of them.
			Map<Target, Sample> samples = new HashMap<>();
			for (Target target : order) {
				samples.put(target, measure(target, upstream, streaming, connections, this.settings.window()));
			}
			Collections.rotate(order, -1);
			Run run = new Run(samples.get(direct), samples.get(floor), samples.get(toolgate));
			runs.add(run);
			System.out.printf("floor %s, %d conns, run %d/%d: %s | %s | %s%n", streaming ? "stream" : "non-stream",
					connections, repeat + 1, this.settings.repeats(), line(direct, run.direct()),
					line(floor, run.floor()), line(toolgate, run.toolgate()));
		}
		return new Cell(streaming, connections, runs);
	}

	private static String line(Target target, Sample sample) {
		return String.format("%s %.0f req/s p50 %.1f p99 %.1f ttft p50 %.1f ms, cpu %.2f ms/req, errors %d",
				target.name(), sample.throughput(), sample.stats().p50(), sample.stats().p99(),
				sample.stats().ttftP50(), sample.proxyCpuMs(), sample.stats().errors());
	}

	private Sample measure(Target target, ManagedProcess upstream, boolean streaming, int connections,
			Duration window) {
		byte[] body = LoadClient.chatBody(PROMPT, streaming);
		String url = target.baseUrl() + "/chat/completions";
		Latencies total = new Latencies();
		Latencies first = new Latencies();
		AtomicLong errors = new AtomicLong();
		AtomicLong inWindow = new AtomicLong();
		long self = ProcessHandle.current().pid();
		long proxyCpu = (target.process() != null) ? target.process().cpuMillis() : 0;
		long upstreamCpu = upstream.cpuMillis();
		long generatorCpu = ManagedProcess.cpuMillis(self);
		long start = System.nanoTime();
		long deadline = start + window.toNanos();
		ClosedLoop.runNow(connections, window,
				() -> this.client.chat(url, target.apiKey(), body, streaming, System.nanoTime()).doOnNext((timing) -> {
					if (!timing.valid()) {
						errors.incrementAndGet();
						return;
					}
					total.recordNanos(timing.totalNanos());
					first.recordNanos(timing.firstContentNanos());
					if (System.nanoTime() <= deadline) {
						inWindow.incrementAndGet();
					}
				}).timeout(Duration.ofSeconds(60)).doOnError((ex) -> errors.incrementAndGet()));
		double seconds = (System.nanoTime() - start) / 1e9;
		double completed = total.count();
		double proxyMs = (target.process() != null) ? (target.process().cpuMillis() - proxyCpu) / completed
				: Double.NaN;
		long generatorMs = ManagedProcess.cpuMillis(self) - generatorCpu;
		return new Sample(Stats.of(total, first, errors.get()), inWindow.get() / (window.toNanos() / 1e9), proxyMs,
				(upstream.cpuMillis() - upstreamCpu) / completed, generatorMs / completed,
				generatorMs / 1000.0 / seconds);
	}

}
