package io.toolgate.loadtest.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.toolgate.loadtest.Options;
import io.toolgate.loadtest.fleet.Fleet;
import io.toolgate.loadtest.fleet.ManagedProcess;

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

	private final Report report;

	private BenchmarkRunner(Report report) {
		this.report = report;
	}

	/**
	 * Runs the benchmark.
	 * @param args the options
	 */
	public static void main(String[] args) {
		Map<String, String> options = Options.parse(args);
		Path out = Path.of(options.getOrDefault("out", "bench-results/manual"));
		boolean quick = options.containsKey("quick");
		boolean profile = options.containsKey("profile");
		Scale scale = quick ? Scale.quick() : Scale.full();
		String command = System.getenv()
			.getOrDefault("BENCH_COMMAND", "java io.toolgate.loadtest.bench.BenchmarkRunner " + String.join(" ", args));
		Report report = new Report(scale, quick, profile, command);
		try (Fleet fleet = new Fleet(out.resolve("work"),
				Path.of(options.getOrDefault("jar", "dispatcher/target/toolgate.jar")))) {
			ManagedProcess redis = fleet.redisNow();
			Toolgates toolgates = new Toolgates(fleet, redis.port(), out, profile, report);
			try (LoadClient client = new LoadClient(30_000)) {
				new BenchmarkRunner(report).run(options, new Measurements(fleet, toolgates, scale, report, client),
						new RedisMeasurement(fleet, toolgates, scale, client, redis.port()));
			}
		}
		finally {
			report.finish(Report.loadAverages());
			write(out.resolve("report.md"), report.markdown());
		}
		System.out.println("Report: " + out.resolve("report.md"));
		System.exit(0);
	}

	/** Runs the measurements {@code --only} names, all six by default, in order. */
	private void run(Map<String, String> options, Measurements measurements, RedisMeasurement redis) {
		List<String> only = List
			.of(options.getOrDefault("only", "overhead,streams,fanout,agents,redis,floor").split(","));
		if (only.contains("overhead")) {
			measured("overhead", measurements::overhead);
		}
		if (only.contains("streams")) {
			measured("streams", measurements::streams);
		}
		if (only.contains("fanout")) {
			measured("fanout", measurements::fanOut);
		}
		if (only.contains("agents")) {
			measured("agents", measurements::agents);
		}
		if (only.contains("redis")) {
			measured("redis", () -> redis.run(this.report));
		}
		if (only.contains("floor")) {
			FloorBenchmark.Settings settings = FloorBenchmark.Settings.of(options.containsKey("quick"), options);
			Path floorJar = Path.of(options.getOrDefault("floor-jar", "bench/floor-proxy/target/floor-proxy.jar"));
			measured("floor", () -> measurements.floor(settings, floorJar));
		}
	}

	/**
	 * Runs one measurement and records the machine's load averages before and after it.
	 */
	private void measured(String phase, Runnable measurement) {
		String before = Report.loadAverages();
		measurement.run();
		this.report.load(phase, before, Report.loadAverages());
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

}
