package io.toolgate.loadtest.bench;

import java.util.List;
import java.util.Locale;

/**
 * The report's sections on the measurements through the gateway: overhead against a
 * direct baseline, open SSE streams, tool fan-out and concurrent agents.
 */
final class GatewaySections {

	private GatewaySections() {
	}

	/**
	 * Returns section 1: the added latency per rate and mode, against the direct
	 * baseline.
	 */
	static String overhead(List<OverheadBenchmark.Row> rows, Scale scale) {
		StringBuilder body = new StringBuilder();
		body.append("## 1. Overhead against a direct baseline\n\n")
			.append("Stateless `POST /v1/chat/completions`, no tools registered, same fixed-rate load ")
			.append(String.format("straight to the upstream simulator and through Toolgate, %d s per cell. ",
					scale.overheadDuration().toSeconds()))
			.append(String.format("Upstream: first token after %d ms, then %d words %d ms apart. ",
					Scale.UPSTREAM_TTFT_MS, Scale.UPSTREAM_WORDS, Scale.UPSTREAM_INTER_TOKEN_MS))
			.append("Times in ms. CPU: % of one core during the gateway run.\n\n")
			.append("| rate/s | mode | direct p50 | direct p99 | gateway p50 | gateway p99 | **added p50** | **added p99** | ")
			.append("direct TTFT p99 | gateway TTFT p99 | **added TTFT p99** | errors (direct/gateway) | CPU gateway / upstream / generator |\n")
			.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |\n");
		for (OverheadBenchmark.Row row : rows) {
			Stats d = row.direct();
			Stats g = row.gateway();
			body.append(String.format(Locale.ROOT,
					"| %.0f | %s | %.2f | %.2f | %.2f | %.2f | **%.2f** | **%.2f** | %s | %s | %s | %d/%d of %d/%d | %.0f%% / %.0f%% / %.0f%% |%n",
					row.rate(), row.streaming() ? "stream" : "non-stream", d.p50(), d.p99(), g.p50(), g.p99(),
					g.p50() - d.p50(), g.p99() - d.p99(), row.streaming() ? fmt(d.ttftP99()) : "–",
					row.streaming() ? fmt(g.ttftP99()) : "–",
					row.streaming() ? "**" + fmt(g.ttftP99() - d.ttftP99()) + "**" : "–", d.errors(), g.errors(),
					d.requests() + d.errors(), g.requests() + g.errors(), row.gatewayCpu(), row.upstreamCpu(),
					row.generatorCpu()));
		}
		body.append("\nTarget: at 1,000 req/s added p99 ≤ 2 ms non-streaming and added TTFT p99 ≤ 2 ms.\n\n");
		return body.toString();
	}

	/** Returns section 2: how many streams opened and the heap they hold. */
	static String streams(StreamsBenchmark.Result result, Scale scale) {
		StringBuilder body = new StringBuilder();
		body.append("## 2. Open SSE streams\n\n")
			.append("Native turns (`POST /v1/conversations/{id}/turns`) against an upstream that streams one token ")
			.append("every 2 s for five minutes, all held open at once; Toolgate runs with `-Xmx512m` and ")
			.append(String.format("`--toolgate.upstream.max-connections=%d` (each open stream holds an upstream ",
					scale.streams() + 1000))
			.append("connection; the shipped pool of 1,000 with 4,000 waiting would refuse the rest). ")
			.append(String.format(Locale.ROOT, "Streams are opened at %.0f per second. ", scale.streamOpenRate()))
			.append(String.format(Locale.ROOT,
					"Once all are open (or a minute after the last was sent), the streams are watched for %d s: ",
					StreamsBenchmark.WINDOW.toSeconds()))
			.append("how many receive tokens, and each token's delivery latency, from the upstream sending it (it ")
			.append("stamps every token with its send time) to the client receiving the `token` event, through ")
			.append("Toolgate's event log in Redis.\n\n")
			.append("| streams wanted | opened (turn.started received) | failed (refused, errored or ended early) | time to open | receiving tokens ")
			.append("once all were open | token delivery p50 / p99 / max | heap used, all open | ")
			.append("heap after full GC (live) | RSS | heap / RSS before |\n")
			.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |\n")
			.append(String.format(Locale.ROOT,
					"| %d | %d | %d | %.1f s | %d | %.1f / %.1f / %.1f ms | %.0f MB | %.0f MB | %.0f MB | %.0f MB / %.0f MB |%n",
					result.target(), result.opened(), result.failed(), result.openSeconds(), result.receiving(),
					result.delivery().percentileMillis(50), result.delivery().percentileMillis(99),
					result.delivery().maxMillis(), result.heapUsedMb(), result.heapAfterGcMb(), result.rssMb(),
					result.heapBeforeMb(), result.rssBeforeMb()))
			.append(String.format(Locale.ROOT, "%nLive heap per open stream: about %.1f KB. ",
					(result.heapAfterGcMb() - result.heapBeforeMb()) * 1024 / Math.max(1, result.opened())))
			.append("Target: 10,000 open streams within 512 MB of heap.\n\n");
		return body.toString();
	}

	/** Returns section 3: the tool phase of turns with {@code calls} parallel calls. */
	static String fanOut(List<FanOutBenchmark.Result> results, int calls, int latencyMs) {
		StringBuilder body = new StringBuilder();
		body.append("## 3. Tool fan-out\n\n")
			.append(String.format("Each turn's model asks for k = %d tool calls at once; the tool worker answers each ",
					calls))
			.append(String.format(
					"after exactly L = %d ms. Tool phase: first `tool.call` to last `tool.result` event, ", latencyMs))
			.append("as received by the client. Times in ms.\n\n")
			.append("| turns at once | turns | errors | phase p50 | phase p99 | phase max | **p99 − L** |\n")
			.append("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (FanOutBenchmark.Result r : results) {
			body.append(String.format(Locale.ROOT, "| %d | %d | %d | %.1f | %.1f | %.1f | **%.1f** |%n",
					r.concurrency(), r.turns(), r.errors(), r.phase().percentileMillis(50),
					r.phase().percentileMillis(99), r.phase().maxMillis(), r.phase().percentileMillis(99) - latencyMs));
		}
		body.append("\nTarget: k = 10 parallel calls finish within L + 5 ms.\n\n");
		return body.toString();
	}

	/**
	 * Returns section 4: each step of agents and the largest sustained without errors.
	 */
	static String agents(List<AgentsBenchmark.Step> steps, Scale scale) {
		StringBuilder body = new StringBuilder();
		body.append("## 4. Concurrent agents\n\n")
			.append(String.format("Each agent runs conversations of %d turns over the native SSE API, thinking %d s ",
					Scale.AGENT_TURNS, Scale.AGENT_THINK.toSeconds()))
			.append("between turns; each prompt asks for 2–3 tools (HTTP tool worker, log-normal latency, median 30 ms, ")
			.append("p99 150 ms); the model's first token comes after 200 ms and 12 words follow 30 ms apart. Every ")
			.append("turn's events are checked. Agents ramp up over ")
			.append(scale.agentRamp().toSeconds())
			.append(" s; each step lasts ")
			.append(scale.agentStepDuration().toSeconds())
			.append(" s; the search stops at the first step with an error. Toolgate runs with ")
			.append(String.format("`--toolgate.upstream.max-connections=%d`, ", Scale.AGENT_UPSTREAM_CONNECTIONS))
			.append("`--toolgate.tools.http.max-connections=5000` and `--toolgate.tools.bulkhead-max-waiting=5000`.\n\n")
			.append("| agents | turns completed | errors | turns/s | turn p50 ms | turn p99 ms | first error |\n")
			.append("| ---: | ---: | ---: | ---: | ---: | ---: | --- |\n");
		int sustained = 0;
		for (AgentsBenchmark.Step s : steps) {
			body.append(String.format(Locale.ROOT, "| %d | %d | %d | %.1f | %.0f | %.0f | %s |%n", s.agents(),
					s.turns(), s.errors(), s.turnsPerSecond(), s.latency().percentileMillis(50),
					s.latency().percentileMillis(99),
					s.firstError().isEmpty() ? "" : "`" + s.firstError().replace("|", "/") + "`"));
			if (s.errors() == 0) {
				sustained = Math.max(sustained, s.agents());
			}
		}
		body.append(String.format("%nLargest step sustained with zero errors: **%d agents**. ", sustained))
			.append("Target: 5,000 concurrent agents with zero errors.\n\n");
		return body.toString();
	}

	private static String fmt(double value) {
		return String.format(Locale.ROOT, "%.2f", value);
	}

}
