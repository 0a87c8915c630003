package io.toolgate.loadtest.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Every target of the performance issue that a run measured, in one Markdown table at the
 * top of the report: what Toolgate reached, its baseline from the same run, the bound and
 * whether it is met. Each measurement adds its rows as it finishes; the sections below
 * keep the details.
 */
final class TargetsTable {

	/** The targets for the open SSE streams, in the full run. */
	static final int STREAMS_TARGET = 10_000;

	static final double STREAMS_HEAP_MB = 512;

	static final double FANOUT_ALLOWANCE_MS = 5;

	static final int FANOUT_CONCURRENCY = 20;

	static final double PLAIN_TURN_ROUND_TRIPS = 8;

	static final double TOOL_TURN_ROUND_TRIPS = 12;

	static final int AGENTS_TARGET = 5_000;

	/**
	 * The simulated model's own time in an agent's turn: two model calls (the tool calls,
	 * then the answer) of 200 ms to the first token and 12 words 30 ms apart.
	 */
	static final double AGENT_MODEL_MS = 2 * (200 + 12 * 30);

	/** One target. */
	record Row(String target, String toolgate, String baseline, String bound, boolean met) {
	}

	private final List<Row> rows = new ArrayList<>();

	void floor(List<FloorBenchmark.Cell> cells, FloorBenchmark.Warmup warmup) {
		List<FloorTable.Row> floorRows = new ArrayList<>(FloorTable.rows(cells));
		if (warmup != null) {
			floorRows.add(FloorTable.warmupRow(warmup, cells));
		}
		for (FloorTable.Row row : floorRows) {
			this.rows.add(new Row(row.label() + ": " + row.measure(), row.toolgate(), "floor " + row.floor(),
					row.target(), row.met()));
		}
	}

	void streams(StreamsBenchmark.Result result) {
		this.rows.add(new Row("open SSE turn streams on one replica, each receiving its events, 0 errors",
				result.opened() + " opened of " + result.target() + ", " + result.failed() + " failed, "
						+ result.receiving() + " receiving tokens; token delivery p50 "
						+ fmt(result.delivery().percentileMillis(50)) + " ms, p99 "
						+ fmt(result.delivery().percentileMillis(99)) + " ms",
				"–", "= " + STREAMS_TARGET + ", all receiving, 0 failed",
				result.target() >= STREAMS_TARGET && result.opened() == result.target()
						&& result.receiving() == result.target() && result.failed() == 0));
		this.rows.add(new Row("heap with the streams open (after a full GC)", fmt(result.heapAfterGcMb()) + " MB",
				"before opening " + fmt(result.heapBeforeMb()) + " MB", "≤ " + fmt(STREAMS_HEAP_MB) + " MB",
				result.heapAfterGcMb() <= STREAMS_HEAP_MB));
	}

	void fanOut(List<FanOutBenchmark.Result> results, int calls, int latencyMs) {
		for (FanOutBenchmark.Result result : results) {
			if (result.concurrency() != FANOUT_CONCURRENCY) {
				continue;
			}
			double p99 = result.phase().percentileMillis(99);
			double bound = latencyMs + FANOUT_ALLOWANCE_MS;
			this.rows.add(new Row(
					"tool phase of " + calls + " parallel calls, " + FANOUT_CONCURRENCY + " turns at once, p99 ms",
					fmt(p99) + " (" + result.errors() + " errors)", "L = " + latencyMs + " ms", "≤ " + fmt(bound),
					p99 <= bound && result.errors() == 0));
		}
	}

	void redis(List<RedisCommandCounter.Count> counts, List<RateLimitLatency.Pair> pairs) {
		for (RedisCommandCounter.Count count : counts) {
			if (!count.limits()) {
				continue;
			}
			double bound = switch (count.kind()) {
				case "plain turn" -> PLAIN_TURN_ROUND_TRIPS;
				case "2 parallel tool calls" -> TOOL_TURN_ROUND_TRIPS;
				default -> Double.NaN;
			};
			if (Double.isNaN(bound)) {
				continue;
			}
			double off = counts.stream()
				.filter((other) -> !other.limits() && other.kind().equals(count.kind()))
				.mapToDouble(RedisCommandCounter.Count::sentTotal)
				.findFirst()
				.orElse(Double.NaN);
			this.rows.add(new Row("Redis round trips per " + count.kind() + ", rate limits on", fmt(count.sentTotal()),
					"limits off " + fmt(off), "≤ " + fmt(bound), count.sentTotal() <= bound));
		}
		for (RateLimitLatency.Pair pair : pairs) {
			if (pair.what().contains("/v1/models") && pair.rate() >= 1000) {
				this.rows.add(new Row("rate-limit checks that fell back to the local limiter, `GET /v1/models` at "
						+ fmt(pair.rate()) + " req/s", fmt(pair.fallbacks()), "–", "0", pair.fallbacks() == 0));
			}
		}
	}

	void agents(List<AgentsBenchmark.Step> steps) {
		AgentsBenchmark.Step passed = null;
		for (AgentsBenchmark.Step step : steps) {
			if (step.errors() == 0) {
				passed = step;
			}
		}
		if (passed == null) {
			this.rows.add(new Row("concurrent agents with 0 errors", "none", "–", "≥ " + AGENTS_TARGET, false));
			return;
		}
		double p99 = passed.latency().percentileMillis(99);
		this.rows.add(new Row("concurrent agents with 0 errors", Integer.toString(passed.agents()), "–",
				"≥ " + AGENTS_TARGET, passed.agents() >= AGENTS_TARGET));
		this.rows.add(new Row("agents' turn p99 ms at " + passed.agents() + " agents", fmt(p99),
				"the model's own time " + fmt(AGENT_MODEL_MS), "≤ " + fmt(2 * AGENT_MODEL_MS),
				p99 <= 2 * AGENT_MODEL_MS));
	}

	/** Returns the table and a line counting the targets met, or nothing without rows. */
	String markdown() {
		if (this.rows.isEmpty()) {
			return "";
		}
		StringBuilder table = new StringBuilder("## Targets\n\nEvery target of the performance issue this run "
				+ "measured; the sections below hold the details.\n\n"
				+ "| target | Toolgate | baseline, same run | bound | met |\n| --- | ---: | --- | --- | --- |\n");
		for (Row row : this.rows) {
			table.append(String.format("| %s | %s | %s | %s | %s |%n", row.target(), row.toolgate(), row.baseline(),
					row.bound(), row.met() ? "yes" : "**no**"));
		}
		long met = this.rows.stream().filter(Row::met).count();
		return table.append(String.format("%n%d of %d targets met.%n%n", met, this.rows.size())).toString();
	}

	private static String fmt(double value) {
		return (value == Math.rint(value) && Math.abs(value) < 1e9) ? String.format("%.0f", value)
				: String.format("%.2f", value);
	}

}
