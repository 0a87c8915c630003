package io.toolgate.loadtest.bench;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FloorTableTests {

	@Test
	void judgesToolgateAgainstTheFloorAndDirect() {
		FloorBenchmark.Run run = new FloorBenchmark.Run(sample(1000, 100, 120, 20, Double.NaN),
				sample(990, 101, 123, 20.5, 0.50), sample(900, 103, 130, 22, 0.70));
		List<FloorTable.Row> rows = FloorTable.rows(List.of(new FloorBenchmark.Cell(true, 50, List.of(run))));

		assertThat(rows).extracting(FloorTable.Row::measure)
			.containsExactly("CPU ms/req", "throughput × direct", "added p99 ms", "added TTFT p50 ms", "errors");
		// 0.70 > 1.2 × 0.50
		assertThat(rows.get(0).met()).isFalse();
		assertThat(rows.get(0).target()).isEqualTo("≤ 0.60");
		// 900 / 1000 < 0.95
		assertThat(rows.get(1).met()).isFalse();
		assertThat(rows.get(1).toolgate()).startsWith("0.90");
		// added p99 10 ≤ 3 + 5 fails; added TTFT p50 2 ≤ 0.5 + 1 fails
		assertThat(rows.get(2).met()).isFalse();
		assertThat(rows.get(2).toolgate()).isEqualTo("10.00");
		assertThat(rows.get(3).met()).isFalse();
		assertThat(rows.get(4).met()).isTrue();
		assertThat(rows.get(0).spread()).isEqualTo("one run");
		assertThat(FloorTable.markdown(List.of(new FloorBenchmark.Cell(true, 50, List.of(run)))))
			.contains("| stream, 50 conns | CPU ms/req | 0.50 | 0.70 | ≤ 0.60 | **no** | one run |")
			.contains("1 of 5 targets met.");
	}

	@Test
	void medianOfRunsAndSpread() {
		assertThat(FloorTable.median(new double[] { 3, 1, 2 })).isEqualTo(2);
		assertThat(FloorTable.median(new double[] { 4, 1, 2, 3 })).isEqualTo(2.5);
		assertThat(FloorTable.median(new double[] { 1, Double.NaN })).isNaN();
		FloorBenchmark.Run fast = new FloorBenchmark.Run(sample(1000, 100, 120, 20, Double.NaN),
				sample(1000, 100, 121, 20, 0.50), sample(990, 100, 122, 20, 0.55));
		FloorBenchmark.Run slow = new FloorBenchmark.Run(sample(1000, 100, 120, 20, Double.NaN),
				sample(1000, 100, 121, 20, 0.60), sample(980, 100, 124, 20, 0.65));
		List<FloorTable.Row> rows = FloorTable.rows(List.of(new FloorBenchmark.Cell(false, 200, List.of(fast, slow))));

		assertThat(rows).extracting(FloorTable.Row::measure)
			.containsExactly("CPU ms/req", "throughput × direct", "added p99 ms", "errors");
		assertThat(rows).allMatch(FloorTable.Row::met);
		assertThat(rows.get(0).spread()).isEqualTo("0.50–0.60; 0.55–0.65");
	}

	@Test
	void judgesWarmUpAgainstTheSameProcessSteadyState() {
		FloorBenchmark.Run first = new FloorBenchmark.Run(sample(1000, 100, 120, 20, Double.NaN),
				sample(1000, 100, 121, 20, 0.40), sample(990, 100, 122, 20, 0.80));
		FloorBenchmark.Run second = new FloorBenchmark.Run(sample(1000, 100, 120, 20, Double.NaN),
				sample(1000, 100, 121, 20, 0.60), sample(990, 100, 122, 20, 1.00));
		List<FloorBenchmark.Cell> cells = List.of(new FloorBenchmark.Cell(false, 50, List.of(first, second)),
				new FloorBenchmark.Cell(true, 50, List.of(first)));
		// Steady state: floor 0.50, Toolgate 0.90 (medians of the non-streaming runs at
		// 50 connections).
		FloorBenchmark.Warmup slow = new FloorBenchmark.Warmup(50, sample(900, 100, 130, 20, 1.00),
				sample(800, 100, 150, 20, 2.25));
		FloorTable.Row row = FloorTable.warmupRow(slow, cells);
		assertThat(row.floor()).isEqualTo("2.00 (1.00)");
		assertThat(row.toolgate()).isEqualTo("2.50 (2.25)");
		assertThat(row.target()).isEqualTo("≤ 2.00");
		assertThat(row.met()).isFalse();
		FloorBenchmark.Warmup quick = new FloorBenchmark.Warmup(50, sample(900, 100, 130, 20, 0.55),
				sample(800, 100, 150, 20, 1.35));
		assertThat(FloorTable.warmupRow(quick, cells).met()).isTrue();
		assertThat(FloorTable.markdown(cells, quick)).contains("| first 20 s after start, non-stream, 50 conns |")
			.contains("of 10 targets met.");
	}

	private static FloorBenchmark.Sample sample(double throughput, double p50, double p99, double ttftP50, double cpu) {
		return new FloorBenchmark.Sample(new Stats(1000, 0, p50, p99, ttftP50, ttftP50 + 5, p99 + 10), throughput, cpu,
				0.2, 0.1, 0.3);
	}

}
