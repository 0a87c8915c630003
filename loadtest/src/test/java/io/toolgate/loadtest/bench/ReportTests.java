package io.toolgate.loadtest.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Renders a fixed set of results and compares the report with {@code report.md} next to
 * this class, so that a change to the rendering shows up as a diff of that file.
 */
class ReportTests {

	@TempDir
	Path logs;

	@Test
	void rendersEverySectionAsBefore() throws IOException {
		Report report = new Report(Scale.quick(), true, false, "bench/run.sh --quick");
		report.load("overhead", "1.00, 2.00, 3.00", "1.50, 2.10, 3.00");
		report.overhead(List.of(
				new OverheadBenchmark.Row(500, false, stats(1000, 0, 21.5, 30.25), stats(1000, 2, 22.75, 33.5), 41,
						12.5, 8),
				new OverheadBenchmark.Row(500, true, stats(990, 1, 40, 52.5), stats(995, 0, 41.25, 55), 44, 13, 9)),
				"");
		report.streams(new StreamsBenchmark.Result(1000, 998, 2, 3.25, 210.5, 120.25, 480, 40, 300, 997,
				latencies(30, 35, 60)), "");
		report.fanOut(
				List.of(new FanOutBenchmark.Result(1, 20, 0, latencies(101, 102, 103, 140)),
						new FanOutBenchmark.Result(10, 40, 1, latencies(104, 110, 120, 180))),
				10, 100, "| frame | share |\n| --- | ---: |\n| `a.B.c()` | 12% |\n");
		report.agents(
				List.of(new AgentsBenchmark.Step(250, 600, 0, 30.5, latencies(250, 300, 900), ""),
						new AgentsBenchmark.Step(500, 1100, 3, 55.25, latencies(260, 400, 1500), "status 503 | busy")),
				"");
		report.redis(counts(), List.of("native turn, a new conversation per turn", "stateless chat"), idle(),
				List.of(new RateLimitLatency.Pair("`GET /v1/models`", 200, stats(12000, 0, 1.25, 4.5),
						stats(12000, 1, 1.0, 3.75), 0)),
				"");
		report.floor(List.of(new FloorBenchmark.Cell(false, 50, List.of(run()))),
				new FloorBenchmark.Warmup(50, sample(900, 100, 130, 0.55), sample(800, 100, 150, 1.35)),
				new FloorBenchmark.Settings(List.of(50), Duration.ofSeconds(5), Duration.ofSeconds(10), 1), "");
		report.log("overhead", log("12:00:00 INFO started", "12:00:01 WARN slow `call`", "12:00:02 ERROR failed"));
		report.log("streams", log("12:00:00 INFO started"));
		report.finish("0.50, 1.00, 2.00");

		String markdown = report.markdown();

		assertThat(markdown).startsWith("# Toolgate benchmark\n\n")
			.contains(", quick mode. Machine: ")
			.contains("Command: `bench/run.sh --quick`\n\n");
		assertThat(markdown.substring(markdown.indexOf("Machine load averages (1, 5, 15 min) around")))
			.isEqualTo(expected());
		assertThat(markdown.substring(0, markdown.indexOf("Machine load averages (1, 5, 15 min) around")))
			.contains("## Targets\n")
			// Percentiles come from histogram buckets, within a few microseconds.
			.containsPattern("\\| open SSE turn streams on one replica, each receiving its events, 0 errors "
					+ "\\| 998 opened of 1000, 2 failed, 997 receiving tokens; token delivery p50 35\\.0\\d ms, "
					+ "p99 60\\.0\\d ms \\| – \\| = 10000, all receiving, 0 failed \\| \\*\\*no\\*\\* \\|\n")
			.contains("| heap with the streams open (after a full GC) | 120.25 MB | before opening 40 MB | ≤ 512 MB "
					+ "| yes |\n")
			.contains("| concurrent agents with 0 errors | 250 | – | ≥ 5000 | **no** |\n")
			.contains("| Redis round trips per plain turn, rate limits on | 11.75 | limits off 9.75 | ≤ 8 | **no** |\n")
			.contains("| non-stream, 50 conns: CPU ms/req | 0.58 | floor 0.50 | ≤ 0.60 | yes |\n")
			.containsPattern("\\n\\d+ of \\d+ targets met\\.\\n");
	}

	private static Stats stats(long requests, long errors, double p50, double p99) {
		return new Stats(requests, errors, p50, p99, p50 / 2, p99 / 2, p99 + 10);
	}

	private static Latencies latencies(long... millis) {
		Latencies latencies = new Latencies();
		for (long value : millis) {
			latencies.recordNanos(value * 1_000_000);
		}
		return latencies;
	}

	private static List<RedisCommandCounter.Count> counts() {
		return List.of(
				count("plain turn", true, map("evalsha", 2.0, "xadd", 9.5), map("evalsha", 2.0, "xadd", 9.75),
						map("evalsha tg:{…}:rl", 2.0, "xadd tg:{…}:turn:…", 9.75), map("set", 2.0)),
				count("plain turn", false, map("xadd", 9.5), map("xadd", 9.75), map("xadd tg:{…}:turn:…", 9.75), map()),
				count("chat completion", true, map("evalsha", 2.0), map("evalsha", 2.0),
						map("evalsha tg:{…}:rl|x", 2.0), map("set", 2.0)),
				count("chat completion", false, map(), map(), map(), map()));
	}

	private static RedisCommandCounter.Count count(String kind, boolean limits, Map<String, Double> executed,
			Map<String, Double> sent, Map<String, Double> sentByKey, Map<String, Double> inScripts) {
		return new RedisCommandCounter.Count(kind, limits, 50, limits ? 0 : 1, executed, sent, sentByKey, inScripts,
				2.5);
	}

	private static Map<String, Double> idle() {
		return map("ping", 0.4, "xread", 2.0);
	}

	private static Map<String, Double> map(Object... entries) {
		Map<String, Double> map = new TreeMap<>();
		for (int i = 0; i < entries.length; i += 2) {
			map.put((String) entries[i], (Double) entries[i + 1]);
		}
		return map;
	}

	private static FloorBenchmark.Run run() {
		return new FloorBenchmark.Run(sample(1000, 100, 120, Double.NaN), sample(990, 101, 123, 0.50),
				sample(960, 103, 126, 0.58));
	}

	private static FloorBenchmark.Sample sample(double throughput, double p50, double p99, double cpu) {
		return new FloorBenchmark.Sample(new Stats(1000, 0, p50, p99, 20, 25, p99 + 10), throughput, cpu, 0.2, 0.1,
				0.3);
	}

	private Path log(String... lines) throws IOException {
		Path file = Files.createTempFile(this.logs, "toolgate", ".log");
		Files.write(file, List.of(lines));
		return file;
	}

	private static String expected() throws IOException {
		try (InputStream in = ReportTests.class.getResourceAsStream("report.md")) {
			assertThat(in).as("report.md next to ReportTests").isNotNull();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
