package io.toolgate.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/** The Markdown report, filled in as measurements finish. */
final class Report {

	private final StringBuilder body = new StringBuilder();

	private final StringBuilder warnings = new StringBuilder();

	private final BenchmarkRunner.Scale scale;

	private String finalLoad = "";

	Report(BenchmarkRunner.Scale scale, boolean quick, boolean profile, String command) {
		this.scale = scale;
		this.body.append("# Toolgate benchmark\n\n")
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
	}

	void overhead(List<OverheadBenchmark.Row> rows, String profile) {
		this.body.append("## 1. Overhead against a direct baseline\n\n")
			.append("Stateless `POST /v1/chat/completions`, no tools registered, same fixed-rate load ")
			.append(String.format("straight to the upstream simulator and through Toolgate, %d s per cell. ",
					this.scale.overheadDuration().toSeconds()))
			.append(String.format("Upstream: first token after %d ms, then %d words %d ms apart. ",
					BenchmarkRunner.Scale.UPSTREAM_TTFT_MS, BenchmarkRunner.Scale.UPSTREAM_WORDS,
					BenchmarkRunner.Scale.UPSTREAM_INTER_TOKEN_MS))
			.append("Times in ms. CPU: % of one core during the gateway run.\n\n")
			.append("| rate/s | mode | direct p50 | direct p99 | gateway p50 | gateway p99 | **added p50** | **added p99** | ")
			.append("direct TTFT p99 | gateway TTFT p99 | **added TTFT p99** | errors (direct/gateway) | CPU gateway / upstream / generator |\n")
			.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
		for (OverheadBenchmark.Row row : rows) {
			Stats d = row.direct();
			Stats g = row.gateway();
			this.body.append(String.format(Locale.ROOT,
					"| %.0f | %s | %.2f | %.2f | %.2f | %.2f | **%.2f** | **%.2f** | %s | %s | %s | %d/%d of %d/%d | %.0f%% / %.0f%% / %.0f%% |%n",
					row.rate(), row.streaming() ? "stream" : "non-stream", d.p50(), d.p99(), g.p50(), g.p99(),
					g.p50() - d.p50(), g.p99() - d.p99(), row.streaming() ? fmt(d.ttftP99()) : "–",
					row.streaming() ? fmt(g.ttftP99()) : "–",
					row.streaming() ? "**" + fmt(g.ttftP99() - d.ttftP99()) + "**" : "–", d.errors(), g.errors(),
					d.requests() + d.errors(), g.requests() + g.errors(), row.gatewayCpu(), row.upstreamCpu(),
					row.generatorCpu()));
		}
		this.body.append("\nTarget: at 1,000 req/s added p99 ≤ 2 ms non-streaming and added TTFT p99 ≤ 2 ms.\n\n");
		profile(profile);
	}

	void streams(StreamsBenchmark.Result result, String profile) {
		this.body.append("## 2. Open SSE streams\n\n")
			.append("Native turns (`POST /v1/conversations/{id}/turns`) against an upstream that streams one token ")
			.append("every 2 s, all held open at once; Toolgate runs with `-Xmx512m` and ")
			.append(String.format("`--toolgate.upstream.max-connections=%d` (each open stream holds an upstream ",
					this.scale.streams() + 1000))
			.append("connection; the shipped pool of 1,000 with 4,000 waiting would refuse the rest).\n\n")
			.append("| streams wanted | opened (turn.started received) | failed | time to open | heap used, all open | ")
			.append("heap after full GC (live) | RSS | heap / RSS before |\n| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
			.append(String.format(Locale.ROOT,
					"| %d | %d | %d | %.1f s | %.0f MB | %.0f MB | %.0f MB | %.0f MB / %.0f MB |%n", result.target(),
					result.opened(), result.failed(), result.openSeconds(), result.heapUsedMb(), result.heapAfterGcMb(),
					result.rssMb(), result.heapBeforeMb(), result.rssBeforeMb()))
			.append(String.format(Locale.ROOT, "%nLive heap per open stream: about %.1f KB. ",
					(result.heapAfterGcMb() - result.heapBeforeMb()) * 1024 / Math.max(1, result.opened())))
			.append("Target: 10,000 open streams within 512 MB of heap.\n\n");
		profile(profile);
	}

	void fanOut(List<FanOutBenchmark.Result> results, int calls, int latencyMs, String profile) {
		this.body.append("## 3. Tool fan-out\n\n")
			.append(String.format("Each turn's model asks for k = %d tool calls at once; the tool worker answers each ",
					calls))
			.append(String.format(
					"after exactly L = %d ms. Tool phase: first `tool.call` to last `tool.result` event, ", latencyMs))
			.append("as received by the client. Times in ms.\n\n")
			.append("| turns at once | turns | errors | phase p50 | phase p99 | phase max | **p99 − L** |\n")
			.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (FanOutBenchmark.Result r : results) {
			this.body.append(String.format(Locale.ROOT, "| %d | %d | %d | %.1f | %.1f | %.1f | **%.1f** |%n",
					r.concurrency(), r.turns(), r.errors(), r.phase().percentileMillis(50),
					r.phase().percentileMillis(99), r.phase().maxMillis(), r.phase().percentileMillis(99) - latencyMs));
		}
		this.body.append("\nTarget: k = 10 parallel calls finish within L + 5 ms.\n\n");
		profile(profile);
	}

	void agents(List<AgentsBenchmark.Step> steps, String profile) {
		this.body.append("## 4. Concurrent agents\n\n")
			.append(String.format("Each agent runs conversations of %d turns over the native SSE API, thinking %d s ",
					BenchmarkRunner.Scale.AGENT_TURNS, BenchmarkRunner.Scale.AGENT_THINK.toSeconds()))
			.append("between turns; each prompt asks for 2–3 tools (HTTP tool worker, log-normal latency, median 30 ms, ")
			.append("p99 150 ms); the model's first token comes after 200 ms and 12 words follow 30 ms apart. Every ")
			.append("turn's events are checked. Agents ramp up over ")
			.append(this.scale.agentRamp().toSeconds())
			.append(" s; each step lasts ")
			.append(this.scale.agentStepDuration().toSeconds())
			.append(" s; the search stops at the first step with an error. Toolgate runs with ")
			.append(String.format("`--toolgate.upstream.max-connections=%d`, ",
					BenchmarkRunner.AGENT_UPSTREAM_CONNECTIONS))
			.append("`--toolgate.tools.http.max-connections=5000` and `--toolgate.tools.bulkhead-max-waiting=5000`.\n\n")
			.append("| agents | turns completed | errors | turns/s | turn p50 ms | turn p99 ms | first error |\n")
			.append("| ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
		int sustained = 0;
		for (AgentsBenchmark.Step s : steps) {
			this.body.append(String.format(Locale.ROOT, "| %d | %d | %d | %.1f | %.0f | %.0f | %s |%n", s.agents(),
					s.turns(), s.errors(), s.turnsPerSecond(), s.latency().percentileMillis(50),
					s.latency().percentileMillis(99),
					s.firstError().isEmpty() ? "" : "`" + s.firstError().replace("|", "/") + "`"));
			if (s.errors() == 0) {
				sustained = Math.max(sustained, s.agents());
			}
		}
		this.body.append(String.format("%nLargest step sustained with zero errors: **%d agents**. ", sustained))
			.append("Target: 5,000 concurrent agents with zero errors.\n\n");
		profile(profile);
	}

	void floor(List<FloorBenchmark.Cell> cells, FloorBenchmark.Warmup warmup, FloorBenchmark.Settings settings,
			String profile) {
		double generator = cells.stream()
			.flatMap((cell) -> cell.runs().stream())
			.flatMap((run) -> Stream.of(run.direct(), run.floor(), run.toolgate()))
			.mapToDouble(FloorBenchmark.Sample::generatorCores)
			.max()
			.orElse(Double.NaN);
		this.body.append("## 6. Against the Boot floor\n\n")
			.append("Stateless `POST /v1/chat/completions`, the model calls no tool. Closed loop: each connection ")
			.append("sends its next request when the previous response has ended. Three targets under the same ")
			.append("load, one after the other (each run starts with the next target): the upstream simulator ")
			.append("**direct**, the ")
			.append("**floor** (`bench/floor-proxy`: Spring Boot WebFlux, a bearer-key check and WebClient byte ")
			.append("pass-through, no actuator, built from the same Boot BOM) and **Toolgate** as shipped (demo ")
			.append("registry, metrics on, in-memory store and local rate limits, no `REDIS_URL`, a plan that never ")
			.append("denies). Both proxies run on this JDK with `-Xmx1g -XX:+UseG1GC` and the same upstream pool size ")
			.append("(1000). ")
			.append(String.format(Locale.ROOT, "Upstream: first token after %d ms, then %d words %d ms apart. ",
					BenchmarkRunner.Scale.UPSTREAM_TTFT_MS, BenchmarkRunner.Scale.UPSTREAM_WORDS,
					BenchmarkRunner.Scale.UPSTREAM_INTER_TOKEN_MS))
			.append(String.format(Locale.ROOT, "Each target first took %d s of load; each run lasts %d s; %d run%s ",
					settings.warmup().toSeconds(), settings.window().toSeconds(), settings.repeats(),
					(settings.repeats() == 1) ? "" : "s"))
			.append("per cell, medians shown. CPU: the proxy process's user + system time (`/proc/<pid>/stat`) over ")
			.append("the run ÷ requests completed; throughput: requests completed within the run's window ÷ its ")
			.append("length; added latency: the proxy's percentile minus the direct run's, per run; TTFT: time to ")
			.append("the first chunk with text (a role chunk with empty content does not count). ")
			.append(String.format(Locale.ROOT, "The load generator used at most %.2f of a core.%n%n", generator))
			.append("Both proxies are started fresh; the first ")
			.append(FloorBenchmark.WARMUP_WINDOW.toSeconds())
			.append(" s of load on each, before its warm-up, give the warm-up row: CPU per request then, as a multiple ")
			.append("of the same process's steady state in the non-streaming runs at the same concurrency.\n\n")
			.append(FloorTable.markdown(cells, warmup))
			.append("\n<details><summary>Medians per target</summary>\n\n")
			.append(FloorTable.details(cells))
			.append("\n</details>\n\n");
		profile(profile);
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

	void redis(List<RedisBenchmark.Count> counts, List<String> descriptions, Map<String, Double> idle,
			List<RedisBenchmark.Pair> pairs, String profile) {
		int turns = counts.isEmpty() ? 0 : counts.get(0).turns();
		this.body.append("## 5. Redis round trips and rate-limit cost\n\n")
			.append("### Commands per turn\n\n")
			.append(String.format("Each kind: %d requests one after another against one Toolgate while the other ",
					turns))
			.append("Toolgates on this Redis are idle, between `CONFIG RESETSTAT` and `INFO commandstats` (every ")
			.append("command Redis executed, including the commands Lua scripts ran), with a `MONITOR` feed alongside ")
			.append("that separates the commands clients sent (**round trips**) from those run inside scripts. ")
			.append("*limits*: Toolgate with Bucket4j-over-Redis rate limits on and a plan generous enough that nothing ")
			.append("is denied; *no limits*: `--toolgate.ratelimit.enabled=false`; the difference is the rate ")
			.append(String.format(
					"limiter's share. Upstream simulator: first token after 5 ms, 8 words %d ms apart; tool worker ",
					BenchmarkRunner.Scale.UPSTREAM_INTER_TOKEN_MS))
			.append("answers after 2 ms. Kinds:\n\n");
		for (int i = 0; i < descriptions.size(); i++) {
			this.body.append("- **")
				.append(counts.get(2 * i).kind())
				.append("**: ")
				.append(descriptions.get(i))
				.append('\n');
		}
		this.body.append("\n| kind | round trips, limits | round trips, no limits | **round trips for limits** | ")
			.append("executed, limits | executed, no limits | executed for limits | failed (limits/no limits) |\n")
			.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
		for (int i = 0; i + 1 < counts.size(); i += 2) {
			RedisBenchmark.Count on = counts.get(i);
			RedisBenchmark.Count off = counts.get(i + 1);
			this.body.append(String.format(Locale.ROOT,
					"| %s | %.2f | %.2f | **%.2f** | %.2f | %.2f | %.2f | %d/%d |%n", on.kind(), on.sentTotal(),
					off.sentTotal(), on.sentTotal() - off.sentTotal(), on.executedTotal(), off.executedTotal(),
					on.executedTotal() - off.executedTotal(), on.failed(), off.failed()));
		}
		this.body.append("\nRound trips per turn by command (sent by Toolgate; `MONITOR`), limits / no limits:\n\n");
		breakdown(counts, RedisBenchmark.Count::sent);
		this.body.append("\nCommands executed per turn by command (`INFO commandstats`, `cmdstat_*` calls ÷ turns; ")
			.append("includes the commands run inside Lua scripts), limits / no limits:\n\n");
		breakdown(counts, RedisBenchmark.Count::executed);
		this.body.append("\n<details><summary>Round trips per turn by command and key (limits on)</summary>\n\n");
		for (int i = 0; i < counts.size(); i += 2) {
			RedisBenchmark.Count on = counts.get(i);
			RedisBenchmark.Count off = counts.get(i + 1);
			this.body.append("**")
				.append(on.kind())
				.append("**\n\n| command and key | limits | no limits |\n| --- | ---: | ---: |\n");
			java.util.TreeSet<String> keys = new java.util.TreeSet<>(on.sentByKey().keySet());
			keys.addAll(off.sentByKey().keySet());
			for (String key : keys) {
				this.body.append(String.format(Locale.ROOT, "| `%s` | %.2f | %.2f |%n", key.replace("|", "/"),
						on.sentByKey().getOrDefault(key, 0.0), off.sentByKey().getOrDefault(key, 0.0)));
			}
			this.body.append("\nRun inside scripts (limits on): ").append(perTurn(on.inScripts())).append("\n\n");
		}
		this.body.append("</details>\n\n")
			.append("Background commands per second with every replica idle (5 s): ")
			.append(idle.isEmpty() ? "none" : perTurn(idle))
			.append(".\n\n");
		this.body.append("### Added latency of the rate-limit check\n\n")
			.append("Two Toolgates on the same Redis, *limits* (Bucket4j over Redis, generous plan) and *no limits*, ")
			.append("each sent the same fixed request rate at once (each request of the open-model schedule goes to ")
			.append("both, so machine noise hits both); upstream simulator instant (8 words, no delay). ")
			.append(String.format("%d s per row. Times in ms.%n%n", this.scale.redisDuration().toSeconds()))
			.append("*fell back*: rate-limit calls the per-replica limiter decided because Redis did not answer within ")
			.append("`toolgate.ratelimit.backend-timeout` or was skipped for the retry interval after such a timeout ")
			.append("(`toolgate.ratelimit.backend.failures` during the row).\n\n")
			.append("| request | rate/s (each) | limits p50 | limits p99 | no limits p50 | no limits p99 | ")
			.append("**added p50** | **added p99** | fell back | errors (limits/no limits) |\n")
			.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
		for (RedisBenchmark.Pair p : pairs) {
			this.body.append(String.format(Locale.ROOT,
					"| %s | %.0f | %.2f | %.2f | %.2f | %.2f | **%.2f** | **%.2f** | %.0f | %d/%d |%n", p.what(),
					p.rate(), p.limited().p50(), p.limited().p99(), p.unlimited().p50(), p.unlimited().p99(),
					p.limited().p50() - p.unlimited().p50(), p.limited().p99() - p.unlimited().p99(), p.fallbacks(),
					p.limited().errors(), p.unlimited().errors()));
		}
		this.body.append("\n");
		profile(profile);
	}

	private void breakdown(List<RedisBenchmark.Count> counts,
			java.util.function.Function<RedisBenchmark.Count, Map<String, Double>> values) {
		java.util.TreeSet<String> commands = new java.util.TreeSet<>();
		counts.forEach((count) -> commands.addAll(values.apply(count).keySet()));
		this.body.append("| command |");
		for (int i = 0; i < counts.size(); i += 2) {
			this.body.append(' ').append(counts.get(i).kind()).append(" |");
		}
		this.body.append("\n| --- |");
		for (int i = 0; i < counts.size(); i += 2) {
			this.body.append(" ---: |");
		}
		this.body.append('\n');
		for (String command : commands) {
			this.body.append("| `").append(command.replace("|", "/")).append("` |");
			for (int i = 0; i + 1 < counts.size(); i += 2) {
				this.body.append(String.format(Locale.ROOT, " %.2f / %.2f |",
						values.apply(counts.get(i)).getOrDefault(command, 0.0),
						values.apply(counts.get(i + 1)).getOrDefault(command, 0.0)));
			}
			this.body.append('\n');
		}
	}

	private static String perTurn(Map<String, Double> values) {
		StringBuilder text = new StringBuilder();
		values.forEach((name, value) -> text.append((text.length() > 0) ? ", " : "")
			.append(String.format(Locale.ROOT, "`%s` %.2f", name.replace("|", "/"), value)));
		return (text.length() == 0) ? "none" : text.toString();
	}

	void log(String phase, Path log) {
		try {
			List<String> lines = Files.readAllLines(log);
			long problems = lines.stream()
				.filter((line) -> line.contains(" ERROR ") || line.contains(" WARN "))
				.count();
			if (problems > 0) {
				this.warnings.append(String.format("- %s: %d WARN/ERROR lines in Toolgate's log; first: `%s`%n", phase,
						problems, first(lines)));
			}
		}
		catch (IOException ex) {
			// No log: nothing to report.
		}
	}

	private static String first(List<String> lines) {
		String line = lines.stream()
			.filter((l) -> l.contains(" ERROR ") || l.contains(" WARN "))
			.findFirst()
			.orElse("")
			.replace("`", "'");
		return line.substring(Math.max(0, line.length() - 240));
	}

	private void profile(String profile) {
		if (!profile.isEmpty()) {
			this.body.append("<details><summary>JFR: where Toolgate's CPU went</summary>\n\n")
				.append(profile)
				.append("\n</details>\n\n");
		}
	}

	private static String fmt(double value) {
		return String.format(Locale.ROOT, "%.2f", value);
	}

	String markdown() {
		String notes = this.warnings.isEmpty() ? "" : "## Log notes\n\n" + this.warnings + "\n";
		String end = this.finalLoad.isEmpty() ? ""
				: "Machine load at the end (1, 5, 15 min): " + this.finalLoad + ".\n";
		return this.body + notes + end;
	}

}
