package io.toolgate.loadtest.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * The floor comparison as one Markdown table: for each mode and concurrency, each target
 * of the performance issue with the floor's figure, Toolgate's, the bound it implies,
 * whether it is met and the spread over runs. Figures are medians over runs; added
 * latencies are taken per run against that run's direct baseline.
 */
final class FloorTable {

	/** Toolgate's CPU per request may be this multiple of the floor's. */
	static final double CPU_FACTOR = 1.2;

	/** Toolgate's throughput must be this share of direct. */
	static final double THROUGHPUT_SHARE = 0.95;

	/** Toolgate's added p99 may exceed the floor's by this many ms. */
	static final double P99_ALLOWANCE_MS = 5;

	/**
	 * Toolgate's added time-to-first-token p50 may exceed the floor's by this many ms.
	 */
	static final double TTFT_ALLOWANCE_MS = 1;

	/**
	 * Toolgate's CPU per request in its first seconds after start may be this multiple of
	 * its steady state.
	 */
	static final double WARMUP_FACTOR = 2;

	private FloorTable() {
	}

	/** One line of the table. */
	record Row(String label, String measure, String floor, String toolgate, String target, boolean met, String spread) {
	}

	static List<Row> rows(List<FloorBenchmark.Cell> cells) {
		List<Row> rows = new ArrayList<>();
		for (FloorBenchmark.Cell cell : cells) {
			String label = (cell.streaming() ? "stream" : "non-stream") + ", " + cell.connections() + " conns";
			List<FloorBenchmark.Run> runs = cell.runs();
			double[] floorCpu = values(runs, (run) -> run.floor().proxyCpuMs());
			double[] toolgateCpu = values(runs, (run) -> run.toolgate().proxyCpuMs());
			double cpuBound = CPU_FACTOR * median(floorCpu);
			rows.add(new Row(label, "CPU ms/req", fmt(median(floorCpu)), fmt(median(toolgateCpu)), "≤ " + fmt(cpuBound),
					median(toolgateCpu) <= cpuBound, spread(floorCpu, toolgateCpu)));
			double[] floorShare = values(runs, (run) -> run.floor().throughput() / run.direct().throughput());
			double[] toolgateShare = values(runs, (run) -> run.toolgate().throughput() / run.direct().throughput());
			rows.add(new Row(label, "throughput × direct",
					fmt(median(floorShare)) + " (" + perSecond(runs, FloorBenchmark.Run::floor) + ")",
					fmt(median(toolgateShare)) + " (" + perSecond(runs, FloorBenchmark.Run::toolgate) + ")",
					"≥ " + fmt(THROUGHPUT_SHARE) + " (direct " + perSecond(runs, FloorBenchmark.Run::direct) + ")",
					median(toolgateShare) >= THROUGHPUT_SHARE, spread(floorShare, toolgateShare)));
			added(rows, label, "added p99 ms", runs, Stats::p99, P99_ALLOWANCE_MS);
			if (cell.streaming()) {
				added(rows, label, "added TTFT p50 ms", runs, Stats::ttftP50, TTFT_ALLOWANCE_MS);
			}
			long floorErrors = runs.stream().mapToLong((run) -> run.floor().stats().errors()).sum();
			long toolgateErrors = runs.stream().mapToLong((run) -> run.toolgate().stats().errors()).sum();
			long directErrors = runs.stream().mapToLong((run) -> run.direct().stats().errors()).sum();
			rows.add(new Row(label, "errors", Long.toString(floorErrors), Long.toString(toolgateErrors), "0",
					toolgateErrors == 0, "direct " + directErrors));
		}
		return rows;
	}

	private static void added(List<Row> rows, String label, String measure, List<FloorBenchmark.Run> runs,
			ToDoubleFunction<Stats> percentile, double allowance) {
		double[] floor = values(runs, (run) -> percentile.applyAsDouble(run.floor().stats())
				- percentile.applyAsDouble(run.direct().stats()));
		double[] toolgate = values(runs, (run) -> percentile.applyAsDouble(run.toolgate().stats())
				- percentile.applyAsDouble(run.direct().stats()));
		double bound = median(floor) + allowance;
		rows.add(new Row(label, measure, fmt(median(floor)), fmt(median(toolgate)),
				"≤ " + fmt(bound) + " (floor + " + fmt(allowance) + ")", median(toolgate) <= bound,
				spread(floor, toolgate)));
	}

	/**
	 * The warm-up row: CPU per request in the first seconds after start as a multiple of
	 * the steady state (the median of the non-streaming runs at the same concurrency),
	 * for the floor and for Toolgate.
	 */
	static Row warmupRow(FloorBenchmark.Warmup warmup, List<FloorBenchmark.Cell> cells) {
		List<FloorBenchmark.Run> steady = cells.stream()
			.filter((cell) -> !cell.streaming() && cell.connections() == warmup.connections())
			.flatMap((cell) -> cell.runs().stream())
			.toList();
		double floor = warmup.floor().proxyCpuMs() / median(values(steady, (run) -> run.floor().proxyCpuMs()));
		double toolgate = warmup.toolgate().proxyCpuMs() / median(values(steady, (run) -> run.toolgate().proxyCpuMs()));
		String label = "first " + FloorBenchmark.WARMUP_WINDOW.toSeconds() + " s after start, non-stream, "
				+ warmup.connections() + " conns";
		return new Row(label, "CPU ms/req × steady state", fmt(floor) + " (" + fmt(warmup.floor().proxyCpuMs()) + ")",
				fmt(toolgate) + " (" + fmt(warmup.toolgate().proxyCpuMs()) + ")", "≤ " + fmt(WARMUP_FACTOR),
				toolgate <= WARMUP_FACTOR, "one run");
	}

	/** Returns the table, a line counting the targets met, and nothing else. */
	static String markdown(List<FloorBenchmark.Cell> cells) {
		return markdown(cells, null);
	}

	/**
	 * Returns the table with the warm-up row when there is one, a line counting the
	 * targets met.
	 */
	static String markdown(List<FloorBenchmark.Cell> cells, FloorBenchmark.Warmup warmup) {
		List<Row> rows = new ArrayList<>(rows(cells));
		if (warmup != null) {
			rows.add(warmupRow(warmup, cells));
		}
		StringBuilder table = new StringBuilder(
				"| case | measure | floor | Toolgate | target | met | spread over runs (floor; Toolgate) |\n"
						+ "| --- | --- | ---: | ---: | --- | --- | --- |\n");
		for (Row row : rows) {
			table.append(String.format("| %s | %s | %s | %s | %s | %s | %s |%n", row.label(), row.measure(),
					row.floor(), row.toolgate(), row.target(), row.met() ? "yes" : "**no**", row.spread()));
		}
		long met = rows.stream().filter(Row::met).count();
		return table.append(String.format("%n%d of %d targets met.%n", met, rows.size())).toString();
	}

	/** Returns the medians behind the table, per target, as a second Markdown table. */
	static String details(List<FloorBenchmark.Cell> cells) {
		StringBuilder text = new StringBuilder("| case | target | req/s | p50 ms | p99 ms | TTFT p50 ms | errors | ")
			.append("proxy CPU ms/req | upstream CPU ms/req | generator CPU ms/req | generator CPU, cores |\n")
			.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (FloorBenchmark.Cell cell : cells) {
			String label = (cell.streaming() ? "stream" : "non-stream") + ", " + cell.connections() + " conns";
			detail(text, label, "direct", cell.runs(), FloorBenchmark.Run::direct);
			detail(text, label, "floor", cell.runs(), FloorBenchmark.Run::floor);
			detail(text, label, "Toolgate", cell.runs(), FloorBenchmark.Run::toolgate);
		}
		return text.toString();
	}

	private static void detail(StringBuilder text, String label, String name, List<FloorBenchmark.Run> runs,
			Function<FloorBenchmark.Run, FloorBenchmark.Sample> target) {
		List<FloorBenchmark.Sample> samples = runs.stream().map(target).toList();
		text.append(String.format(Locale.ROOT, "| %s | %s | %.0f | %.2f | %.2f | %s | %d | %s | %.3f | %.3f | %.2f |%n",
				label, name, median(samples, FloorBenchmark.Sample::throughput),
				median(samples, (s) -> s.stats().p50()), median(samples, (s) -> s.stats().p99()),
				fmt(median(samples, (s) -> s.stats().ttftP50())),
				samples.stream().mapToLong((s) -> s.stats().errors()).sum(),
				fmt(median(samples, FloorBenchmark.Sample::proxyCpuMs)),
				median(samples, FloorBenchmark.Sample::upstreamCpuMs),
				median(samples, FloorBenchmark.Sample::generatorCpuMs),
				median(samples, FloorBenchmark.Sample::generatorCores)));
	}

	private static String perSecond(List<FloorBenchmark.Run> runs,
			Function<FloorBenchmark.Run, FloorBenchmark.Sample> target) {
		return String.format(Locale.ROOT, "%.0f/s",
				median(runs.stream().map(target).toList(), FloorBenchmark.Sample::throughput));
	}

	private static double[] values(List<FloorBenchmark.Run> runs, ToDoubleFunction<FloorBenchmark.Run> value) {
		return runs.stream().mapToDouble(value).toArray();
	}

	private static double median(List<FloorBenchmark.Sample> samples, ToDoubleFunction<FloorBenchmark.Sample> value) {
		return median(samples.stream().mapToDouble(value).toArray());
	}

	/**
	 * Returns the median, NaN when empty or when any value is NaN (a figure that could
	 * not be measured).
	 */
	static double median(double[] values) {
		if (values.length == 0) {
			return Double.NaN;
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		if (Double.isNaN(sorted[sorted.length - 1])) {
			return Double.NaN;
		}
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	private static String spread(double[] floor, double[] toolgate) {
		if (floor.length < 2) {
			return "one run";
		}
		return range(floor) + "; " + range(toolgate);
	}

	private static String range(double[] values) {
		double min = Arrays.stream(values).min().orElse(Double.NaN);
		double max = Arrays.stream(values).max().orElse(Double.NaN);
		return fmt(min) + "–" + fmt(max);
	}

	private static String fmt(double value) {
		return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
	}

}
