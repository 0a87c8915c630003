package io.toolgate.loadtest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.toolgate.loadtest.Options;
import io.toolgate.loadtest.fleet.Fleet;
import io.toolgate.loadtest.fleet.ManagedProcess;
import io.toolgate.loadtest.fleet.Registries;

/**
 * Runs the measurements one after another and writes {@code report.md}: a private Redis,
 * the simulators and a fresh Toolgate per measurement (started from a copy of the jar,
 * with Redis as its store and rate limits off except where the rate limiter itself is
 * measured: the benchmark measures the gateway, not a tenant plan; the floor comparison
 * runs Toolgate as shipped, next to the Boot floor proxy), the load generated from this
 * JVM.
 * <p>
 * Options: {@code --out=DIR} (required), {@code --jar=PATH} (default
 * {@code dispatcher/target/toolgate.jar}), {@code --quick} (smaller, shorter),
 * {@code --profile} (a JFR recording per Toolgate and a summary of where its CPU went),
 * {@code --only=overhead,streams,fanout,agents,redis,floor}. The floor comparison also
 * takes {@code --floor-jar=PATH} (default
 * {@code bench/floor-proxy/target/floor-proxy.jar}), {@code --floor-seconds=},
 * {@code --floor-warmup-seconds=} and {@code --floor-repeats=}. The environment variable
 * {@code BENCH_COMMAND} (set by {@code bench/run.sh}) is quoted in the report as the
 * command that produced it.
 */
public final class BenchmarkRunner {

	private static final String KEY = "bench-key";

	/**
	 * Generous enough that nothing is denied while limits are checked (Bucket4j refills
	 * at most one token per nanosecond, so a minute's budget stays well under 6·10¹⁰).
	 */
	private static final List<String> GENEROUS_PLAN = List.of("--toolgate.ratelimit.enabled=true",
			"--toolgate.ratelimit.plans.default.requests-per-minute=1000000000",
			"--toolgate.ratelimit.plans.default.tokens-per-minute=10000000000");

	/**
	 * The upstream pool of the agents measurement: more model calls than the default
	 * 1,000 run at once at 5,000 agents.
	 */
	static final int AGENT_UPSTREAM_CONNECTIONS = 5000;

	private static final List<String> NO_LIMITS = List.of("--toolgate.ratelimit.enabled=false");

	/**
	 * Rate-limit calls answered by the per-replica fallback because Redis did not answer
	 * within the timeout.
	 */
	private static final String BACKEND_FAILURES = "toolgate.ratelimit.backend.failures";

	private final Scale scale;

	private final Path out;

	private final boolean profile;

	private final Fleet fleet;

	private final String redisUrl;

	private final int redisPort;

	private final Report report;

	private BenchmarkRunner(Scale scale, Path out, boolean profile, Fleet fleet, int redisPort, Report report) {
		this.scale = scale;
		this.out = out;
		this.profile = profile;
		this.fleet = fleet;
		this.redisPort = redisPort;
		this.redisUrl = "redis://127.0.0.1:" + redisPort;
		this.report = report;
	}

	/**
	 * Runs the benchmark.
	 * @param args the options
	 */
	public static void main(String[] args) {
		Map<String, String> options = Options.parse(args);
		Path out = Path.of(options.getOrDefault("out", "bench-results/manual"));
		Scale scale = options.containsKey("quick") ? Scale.quick() : Scale.full();
		List<String> only = List
			.of(options.getOrDefault("only", "overhead,streams,fanout,agents,redis,floor").split(","));
		String command = System.getenv()
			.getOrDefault("BENCH_COMMAND", "java io.toolgate.loadtest.bench.BenchmarkRunner " + String.join(" ", args));
		Report report = new Report(scale, options.containsKey("quick"), options.containsKey("profile"), command);
		try (Fleet fleet = new Fleet(out.resolve("work"),
				Path.of(options.getOrDefault("jar", "dispatcher/target/toolgate.jar")))) {
			ManagedProcess redis = fleet.redisNow();
			BenchmarkRunner runner = new BenchmarkRunner(scale, out, options.containsKey("profile"), fleet,
					redis.port(), report);
			try (LoadClient client = new LoadClient(30_000)) {
				if (only.contains("overhead")) {
					runner.measured("overhead", () -> runner.overhead(client));
				}
				if (only.contains("streams")) {
					runner.measured("streams", () -> runner.streams(client));
				}
				if (only.contains("fanout")) {
					runner.measured("fanout", () -> runner.fanOut(client));
				}
				if (only.contains("agents")) {
					runner.measured("agents", () -> runner.agents(client));
				}
				if (only.contains("redis")) {
					runner.measured("redis", () -> runner.redis(client));
				}
				if (only.contains("floor")) {
					FloorBenchmark.Settings settings = FloorBenchmark.Settings.of(options.containsKey("quick"),
							options);
					Path floorJar = Path
						.of(options.getOrDefault("floor-jar", "bench/floor-proxy/target/floor-proxy.jar"));
					runner.measured("floor", () -> runner.floor(client, settings, floorJar));
				}
			}
		}
		finally {
			report.finish(Report.loadAverages());
			write(out.resolve("report.md"), report.markdown());
		}
		System.out.println("Report: " + out.resolve("report.md"));
		System.exit(0);
	}

	private void overhead(LoadClient client) {
		ManagedProcess upstream = this.fleet.upstreamNow(List.of("--ttft-ms=" + Scale.UPSTREAM_TTFT_MS,
				"--inter-token-ms=" + Scale.UPSTREAM_INTER_TOKEN_MS, "--reply-words=" + Scale.UPSTREAM_WORDS));
		ManagedProcess toolgate = toolgate("overhead", "-Xmx1g", upstream, Registries.empty(), List.of());
		List<OverheadBenchmark.Row> rows = new OverheadBenchmark(client).runNow(
				"http://127.0.0.1:" + upstream.port() + "/v1", base(toolgate), KEY, this.scale.rates(),
				this.scale.overheadDuration(), toolgate, upstream);
		stop("overhead", toolgate);
		this.fleet.stop(upstream);
		this.report.overhead(rows, profileOf("overhead"));
	}

	private void streams(LoadClient client) {
		ManagedProcess upstream = this.fleet
			.upstreamNow(List.of("--ttft-ms=100", "--inter-token-ms=2000", "--reply-words=40"));
		ManagedProcess toolgate = toolgate("streams", "-Xmx512m", upstream, Registries.empty(),
				// Every open stream holds an upstream connection; the shipped pool has
				// 1,000 (and 4,000 waiting).
				List.of("--toolgate.turn.deadline=600s",
						"--toolgate.upstream.max-connections=" + (this.scale.streams() + 1000)));
		StreamsBenchmark.Result result = new StreamsBenchmark(client).runNow(base(toolgate), KEY, this.scale.streams(),
				this.scale.streamOpenRate(), toolgate);
		stop("streams", toolgate);
		this.fleet.stop(upstream);
		this.report.streams(result, profileOf("streams"));
	}

	private void fanOut(LoadClient client) {
		int calls = Scale.FANOUT_CALLS;
		ManagedProcess upstream = this.fleet
			.upstreamNow(List.of("--ttft-ms=5", "--inter-token-ms=1", "--reply-words=4", "--tool-calls=" + calls));
		ManagedProcess worker = this.fleet.toolWorkerNow(List.of("--latency=fixed:" + Scale.FANOUT_LATENCY_MS));
		ManagedProcess toolgate = toolgate("fanout", "-Xmx1g", upstream,
				Registries.singleWorkerTool("http://127.0.0.1:" + worker.port() + "/tool", 1000),
				List.of("--toolgate.turn.max-parallel-tools=" + calls,
						"--toolgate.turn.loop-threshold=" + (calls + 1)));
		FanOutBenchmark bench = new FanOutBenchmark(client);
		bench.runNow(base(toolgate), KEY, calls, 10, 1);
		List<FanOutBenchmark.Result> results = new ArrayList<>();
		results.add(bench.runNow(base(toolgate), KEY, calls, this.scale.fanOutTurns(), 1));
		results.add(
				bench.runNow(base(toolgate), KEY, calls, this.scale.fanOutTurns() * 2, this.scale.fanOutConcurrency()));
		stop("fanout", toolgate);
		this.fleet.stop(worker);
		this.fleet.stop(upstream);
		this.report.fanOut(results, calls, Scale.FANOUT_LATENCY_MS, profileOf("fanout"));
	}

	private void agents(LoadClient client) {
		ManagedProcess upstream = this.fleet
			.upstreamNow(List.of("--ttft-ms=200", "--inter-token-ms=30", "--reply-words=12"));
		ManagedProcess worker = this.fleet.toolWorkerNow(List.of("--latency=lognormal:30:150"));
		ManagedProcess toolgate = toolgate("agents", "-Xmx1g", upstream,
				Registries.workerTools("http://127.0.0.1:" + worker.port() + "/tool", 5000),
				List.of("--toolgate.tools.http.max-connections=5000", "--toolgate.tools.bulkhead-max-waiting=5000",
						"--toolgate.upstream.max-connections=" + AGENT_UPSTREAM_CONNECTIONS));
		List<AgentsBenchmark.Step> steps = new ArrayList<>();
		AgentsBenchmark bench = new AgentsBenchmark(client);
		for (int agents : this.scale.agentSteps()) {
			AgentsBenchmark.Step step = bench.runNow(base(toolgate), KEY, agents, this.scale.agentStepDuration(),
					this.scale.agentRamp(), Scale.AGENT_THINK, Scale.AGENT_TURNS);
			steps.add(step);
			System.out.printf("agents %d: %d turns, %d errors, %.1f turns/s, p99 %.0f ms %s%n", agents, step.turns(),
					step.errors(), step.turnsPerSecond(), step.latency().percentileMillis(99), step.firstError());
			if (step.errors() > 0 || !toolgate.isAlive()) {
				break;
			}
		}
		stop("agents", toolgate);
		this.fleet.stop(worker);
		this.fleet.stop(upstream);
		this.report.agents(steps, profileOf("agents"));
	}

	private void redis(LoadClient client) {
		RedisBenchmark bench = new RedisBenchmark(client, this.redisPort);
		// Part 1: commands per turn. A short first-token delay, tokens as far apart as in
		// the other measurements
		// (performance issue: round trips with tokens 5 ms apart); a worker answering at
		// once.
		ManagedProcess upstream = this.fleet.upstreamNow(List.of("--ttft-ms=5",
				"--inter-token-ms=" + Scale.UPSTREAM_INTER_TOKEN_MS, "--reply-words=8", "--tool-calls=2"));
		ManagedProcess worker = this.fleet.toolWorkerNow(List.of("--latency=fixed:2"));
		String tools = twoTools("http://127.0.0.1:" + worker.port() + "/tool");
		ManagedProcess plainOn = toolgateWith("redis-plain-limits", "-Xmx512m", upstream, Registries.empty(),
				GENEROUS_PLAN);
		ManagedProcess plainOff = toolgateWith("redis-plain-nolimits", "-Xmx512m", upstream, Registries.empty(),
				NO_LIMITS);
		ManagedProcess toolsOn = toolgateWith("redis-tools-limits", "-Xmx512m", upstream, tools, GENEROUS_PLAN);
		ManagedProcess toolsOff = toolgateWith("redis-tools-nolimits", "-Xmx512m", upstream, tools, NO_LIMITS);
		String prompt = "Explain back-pressure in reactive streams";
		List<RedisBenchmark.Kind[]> kinds = List.of(
				new RedisBenchmark.Kind[] {
						bench.turns("plain turn", "native turn, no tools registered, a new conversation per turn",
								base(plainOn), KEY, prompt, 0, 1),
						bench.turns("plain turn", "", base(plainOff), KEY, prompt, 0, 1) },
				new RedisBenchmark.Kind[] {
						bench.turns("plain turn, continued", "native turn, no tools, 10 turns per conversation",
								base(plainOn), KEY, prompt, 0, 10),
						bench.turns("plain turn, continued", "", base(plainOff), KEY, prompt, 0, 10) },
				new RedisBenchmark.Kind[] {
						bench.turns("2 parallel tool calls",
								"native turn whose model calls 2 HTTP tools at once, then answers (2 model calls)",
								base(toolsOn), KEY, prompt, 2, 1),
						bench.turns("2 parallel tool calls", "", base(toolsOff), KEY, prompt, 2, 1) },
				new RedisBenchmark.Kind[] { bench.chat("chat completion",
						"stateless non-streaming `POST /v1/chat/completions`", base(plainOn), KEY),
						bench.chat("chat completion", "", base(plainOff), KEY) });
		// Warm up every path (JIT, Lua scripts loaded, connections) before anything is
		// counted.
		for (RedisBenchmark.Kind[] pair : kinds) {
			bench.countNow(pair[0], true, 20);
			bench.countNow(pair[1], false, 20);
		}
		Map<String, Double> idle = bench.idlePerSecondNow(Duration.ofSeconds(5));
		List<RedisBenchmark.Count> counts = new ArrayList<>();
		List<String> descriptions = new ArrayList<>();
		for (RedisBenchmark.Kind[] pair : kinds) {
			descriptions.add(pair[0].description());
			RedisBenchmark.Count on = bench.countNow(pair[0], true, this.scale.redisTurns());
			RedisBenchmark.Count off = bench.countNow(pair[1], false, this.scale.redisTurns());
			System.out.printf(
					"redis %s: %.1f commands (%.1f round trips) per turn with limits, %.1f (%.1f) without, "
							+ "failed %d/%d%n",
					on.kind(), on.executedTotal(), on.sentTotal(), off.executedTotal(), off.sentTotal(), on.failed(),
					off.failed());
			counts.add(on);
			counts.add(off);
		}
		stop("redis-tools-limits", toolsOn);
		stop("redis-tools-nolimits", toolsOff);
		stop("redis-plain-limits", plainOn);
		stop("redis-plain-nolimits", plainOff);
		this.fleet.stop(worker);
		this.fleet.stop(upstream);
		// Part 2: the limit check's latency. An instant model; both Toolgates loaded at
		// once at the same rate.
		ManagedProcess instant = this.fleet
			.upstreamNow(List.of("--ttft-ms=0", "--inter-token-ms=0", "--reply-words=8"));
		ManagedProcess limited = toolgateWith("redis-latency-limits", "-Xmx512m", instant, Registries.empty(),
				GENEROUS_PLAN);
		ManagedProcess unlimited = toolgateWith("redis-latency-nolimits", "-Xmx512m", instant, Registries.empty(),
				NO_LIMITS);
		// Warm up gently (a cold JVM on 2 cores falls behind at once), then at the lowest
		// measured rate.
		for (double rate : List.of(20.0, 100.0, 200.0)) {
			bench.modelsNow(base(limited), base(unlimited), KEY, rate, Duration.ofSeconds(4));
			bench.chatNow(base(limited), base(unlimited), KEY, rate, Duration.ofSeconds(4));
		}
		List<RedisBenchmark.Pair> pairs = new ArrayList<>();
		JvmProbe probe = new JvmProbe(limited);
		for (double rate : this.scale.redisRates()) {
			double before = probe.metric(BACKEND_FAILURES);
			RedisBenchmark.Pair pair = bench.modelsNow(base(limited), base(unlimited), KEY, rate,
					this.scale.redisDuration());
			pairs.add(pair.withFallbacks(probe.metric(BACKEND_FAILURES) - before));
		}
		for (double rate : this.scale.redisChatRates()) {
			double before = probe.metric(BACKEND_FAILURES);
			RedisBenchmark.Pair pair = bench.chatNow(base(limited), base(unlimited), KEY, rate,
					this.scale.redisDuration());
			pairs.add(pair.withFallbacks(probe.metric(BACKEND_FAILURES) - before));
		}
		stop("redis-latency-limits", limited);
		stop("redis-latency-nolimits", unlimited);
		this.fleet.stop(instant);
		this.report.redis(counts, descriptions, idle, pairs, profileOf("redis-latency-limits"));
	}

	private void floor(LoadClient client, FloorBenchmark.Settings settings, Path floorJar) {
		ManagedProcess upstream = this.fleet.upstreamNow(List.of("--ttft-ms=" + Scale.UPSTREAM_TTFT_MS,
				"--inter-token-ms=" + Scale.UPSTREAM_INTER_TOKEN_MS, "--reply-words=" + Scale.UPSTREAM_WORDS));
		String upstreamUrl = "http://127.0.0.1:" + upstream.port() + "/v1";
		// The same JVM options as Toolgate's, without a recording: the floor is the
		// yardstick, not the subject.
		ManagedProcess floor = this.fleet.floorProxyNow(floorJar, List.of("-Xmx1g", "-XX:+UseG1GC"),
				List.of("--floor.upstream=" + upstreamUrl, "--logging.level.root=WARN"), Map.of("FLOOR_KEY", KEY));
		ManagedProcess toolgate = shippedToolgate("floor", "-Xmx1g", upstream);
		FloorBenchmark benchmark = new FloorBenchmark(client, settings);
		List<FloorBenchmark.Cell> cells = benchmark.runNow(new FloorBenchmark.Target("direct", upstreamUrl, null, null),
				new FloorBenchmark.Target("floor", base(floor), KEY, floor),
				new FloorBenchmark.Target("Toolgate", base(toolgate), KEY, toolgate), upstream);
		stop("floor", toolgate);
		this.report.log("floor-proxy", floor.log());
		this.fleet.stop(floor);
		this.fleet.stop(upstream);
		this.report.floor(cells, benchmark.warmup(), settings, profileOf("floor"));
		System.out.println();
		System.out.print(FloorTable.markdown(cells, benchmark.warmup()));
	}

	/** Two tools on one worker, so a model told to make 2 calls calls each once. */
	private static String twoTools(String workerUrl) {
		return """
				defaults:
				  timeout: 5s
				  max-concurrency: 64
				  retry: { max-attempts: 1 }
				tools:
				  - name: work
				    description: Do a unit of work on a topic.
				    input-schema:
				      type: object
				      properties: { topic: { type: string } }
				    executor: { type: http, url: %s/work }
				  - name: review
				    description: Review a unit of work on a topic.
				    input-schema:
				      type: object
				      properties: { topic: { type: string } }
				    executor: { type: http, url: %s/review }
				""".formatted(workerUrl, workerUrl);
	}

	private ManagedProcess toolgate(String phase, String heap, ManagedProcess upstream, String registry,
			List<String> extra) {
		List<String> arguments = new ArrayList<>(NO_LIMITS);
		arguments.addAll(extra);
		return toolgateWith(phase, heap, upstream, registry, arguments);
	}

	/**
	 * Starts a Toolgate on the fleet's Redis; {@code arguments} must say whether rate
	 * limits are on.
	 */
	private ManagedProcess toolgateWith(String phase, String heap, ManagedProcess upstream, String registry,
			List<String> extra) {
		Path registryFile = this.fleet.writeFile(phase + "-registry.yaml", registry);
		List<String> jvm = jvmOptions(phase, heap);
		List<String> arguments = new ArrayList<>(
				List.of("--toolgate.upstream.base-url=http://127.0.0.1:" + upstream.port() + "/v1",
						"--toolgate.tools.registry=" + registryFile, "--toolgate.admission.max-concurrent-turns=20000",
						"--logging.level.root=WARN"));
		arguments.addAll(extra);
		return this.fleet.toolgateNow(jvm, arguments,
				Map.of("TOOLGATE_API_KEYS", "bench:" + KEY, "REDIS_URL", this.redisUrl));
	}

	/**
	 * Starts a Toolgate as shipped: the demo registry, metrics on, the in-memory store
	 * and local rate limits (no Redis, even if the caller's environment names one), with
	 * a plan that denies nothing.
	 */
	private ManagedProcess shippedToolgate(String phase, String heap, ManagedProcess upstream) {
		List<String> arguments = new ArrayList<>(
				List.of("--toolgate.upstream.base-url=http://127.0.0.1:" + upstream.port() + "/v1",
						"--logging.level.root=WARN"));
		arguments.addAll(GENEROUS_PLAN);
		return this.fleet.toolgateNow(jvmOptions(phase, heap), arguments,
				Map.of("TOOLGATE_API_KEYS", "bench:" + KEY, "REDIS_URL", ""));
	}

	private List<String> jvmOptions(String phase, String heap) {
		List<String> jvm = new ArrayList<>(List.of(heap, "-XX:+UseG1GC"));
		if (this.profile) {
			jvm.add("-XX:StartFlightRecording=filename=" + jfr(phase) + ",settings=profile,dumponexit=true");
		}
		return jvm;
	}

	/**
	 * Runs one measurement and records the machine's load averages before and after it.
	 */
	private void measured(String phase, Runnable measurement) {
		String before = Report.loadAverages();
		measurement.run();
		this.report.load(phase, before, Report.loadAverages());
	}

	private void stop(String phase, ManagedProcess toolgate) {
		this.report.log(phase, toolgate.log());
		this.fleet.stop(toolgate);
	}

	private String profileOf(String phase) {
		return this.profile ? JfrSummary.markdownNow(jfr(phase), 15) : "";
	}

	private Path jfr(String phase) {
		return this.out.toAbsolutePath().resolve("toolgate-" + phase + ".jfr");
	}

	private static String base(ManagedProcess toolgate) {
		return "http://127.0.0.1:" + toolgate.port() + "/v1";
	}

	private static void write(Path file, String text) {
		try {
			Files.createDirectories(file.getParent());
			Files.writeString(file, text);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** How big and long each measurement is. */
	record Scale(List<Double> rates, Duration overheadDuration, int streams, double streamOpenRate, int fanOutTurns,
			int fanOutConcurrency, List<Integer> agentSteps, Duration agentStepDuration, Duration agentRamp,
			int redisTurns, List<Double> redisRates, List<Double> redisChatRates, Duration redisDuration) {

		static final int UPSTREAM_TTFT_MS = 20;

		static final int UPSTREAM_INTER_TOKEN_MS = 5;

		static final int UPSTREAM_WORDS = 16;

		static final int FANOUT_CALLS = 10;

		static final int FANOUT_LATENCY_MS = 100;

		static final Duration AGENT_THINK = Duration.ofSeconds(3);

		static final int AGENT_TURNS = 3;

		static Scale quick() {
			return new Scale(List.of(500.0, 1000.0), Duration.ofSeconds(5), 1000, 500, 20, 10, List.of(250, 500, 1000),
					Duration.ofSeconds(20), Duration.ofSeconds(5), 50, List.of(200.0, 500.0), List.of(200.0),
					Duration.ofSeconds(6));
		}

		static Scale full() {
			return new Scale(List.of(500.0, 1000.0, 2000.0), Duration.ofSeconds(15), 10_000, 1000, 50, 20,
					List.of(500, 1000, 2000, 5000), Duration.ofSeconds(40), Duration.ofSeconds(15), 200,
					List.of(200.0, 500.0, 1000.0), List.of(200.0, 500.0), Duration.ofSeconds(15));
		}

	}

}
