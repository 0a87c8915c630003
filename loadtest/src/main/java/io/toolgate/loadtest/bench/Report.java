package io.toolgate.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The Markdown report, filled in as measurements finish. */
final class Report {

	private final StringBuilder body = new StringBuilder();

	private final LogNotes notes = new LogNotes();

	private final TargetsTable targets = new TargetsTable();

	private final String head;

	private final Scale scale;

	private String finalLoad = "";

	Report(Scale scale, boolean quick, boolean profile, String command) {
		this.scale = scale;
		StringBuilder head = new StringBuilder();
		head.append("# Toolgate benchmark\n\n")
			.append(String.format("%s, %s mode%s. Machine: %d cores (`nproc`), %s, Java %s. Load generator, ",
					Instant.now(), quick ? "quick" : "full", profile ? " with JFR profiling" : "",
					Runtime.getRuntime().availableProcessors(), System.getProperty("os.name"),
					System.getProperty("java.version")))
			.append("simulators, Redis and Toolgate share these cores, so absolute figures are pessimistic and ")
			.append("noisy; the direct baseline runs under the same conditions.\n\n")
			.append("Load generator: a Reactor Netty client in one JVM with an open-model arrival process (each request ")
			.append("starts at its scheduled time, latency counted from that time, so queueing is not hidden) and ")
			.append("HdrHistogram; it records total latency and time to first content (TTFT) per request for both ")
			.append("targets in the same run, which wrk (no TTFT) and Gatling (heavier per request on 2 cores) do not.\n\n")
			.append("Toolgate runs with its shipped settings (upstream pool `toolgate.upstream.max-connections` = 1000, ")
			.append("Redis as its store, rate limits off) except where a section says otherwise.\n\n")
			.append("Command: `")
			.append(command)
			.append("`\n\n")
			.append("Machine load at the start (1, 5, 15-minute load averages, as `uptime` shows them): ")
			.append(loadAverages())
			.append(".\n\n");
		this.head = head.toString();
	}

	void overhead(List<OverheadBenchmark.Row> rows, String profile) {
		section(GatewaySections.overhead(rows, this.scale), profile);
	}

	void streams(StreamsBenchmark.Result result, String profile) {
		this.targets.streams(result);
		section(GatewaySections.streams(result, this.scale), profile);
	}

	void fanOut(List<FanOutBenchmark.Result> results, int calls, int latencyMs, String profile) {
		this.targets.fanOut(results, calls, latencyMs);
		section(GatewaySections.fanOut(results, calls, latencyMs), profile);
	}

	void agents(List<AgentsBenchmark.Step> steps, String profile) {
		this.targets.agents(steps);
		section(GatewaySections.agents(steps, this.scale), profile);
	}

	void redis(List<RedisCommandCounter.Count> counts, List<String> descriptions, Map<String, Double> idle,
			List<RateLimitLatency.Pair> pairs, String profile) {
		this.targets.redis(counts, pairs);
		section(RedisSection.markdown(counts, descriptions, idle, pairs, this.scale), profile);
	}

	void floor(List<FloorBenchmark.Cell> cells, FloorBenchmark.Warmup warmup, FloorBenchmark.Settings settings,
			String profile) {
		this.targets.floor(cells, warmup);
		section(FloorSection.markdown(cells, warmup, settings), profile);
	}

	/**
	 * Returns the 1, 5 and 15-minute load averages of the machine, as {@code uptime}
	 * shows them.
	 */
	static String loadAverages() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + ", " + fields[1] + ", " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	void load(String phase, String before, String after) {
		this.body.append(String.format("Machine load averages (1, 5, 15 min) around `%s`: before %s; after %s.%n%n",
				phase, before, after));
	}

	void finish(String after) {
		this.finalLoad = after;
	}

	/** Notes the WARN and ERROR lines of a process's log, if it has any. */
	void log(String phase, Path log) {
		this.notes.add(phase, log);
	}

	/** Adds a section and, if there is one, its JFR summary. */
	private void section(String markdown, String profile) {
		this.body.append(markdown);
		if (!profile.isEmpty()) {
			this.body.append("<details><summary>JFR: where Toolgate's CPU went</summary>\n\n")
				.append(profile)
				.append("\n</details>\n\n");
		}
	}

	String markdown() {
		String end = this.finalLoad.isEmpty() ? ""
				: "Machine load at the end (1, 5, 15 min): " + this.finalLoad + ".\n";
		return this.head + this.targets.markdown() + this.body + this.notes.markdown() + end;
	}

}
