package io.toolgate.loadtest.bench;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The report's section on the comparison with the Boot floor proxy. */
final class FloorSection {

	private FloorSection() {
	}

	/** Returns section 6: the judged table and the medians behind it. */
	static String markdown(List<FloorBenchmark.Cell> cells, FloorBenchmark.Warmup warmup,
			FloorBenchmark.Settings settings) {
		StringBuilder body = new StringBuilder();
		double generator = cells.stream()
			.flatMap((cell) -> cell.runs().stream())
			.flatMap((run) -> Stream.of(run.direct(), run.floor(), run.toolgate()))
			.mapToDouble(FloorBenchmark.Sample::generatorCores)
			.max()
			.orElse(Double.NaN);
		body.append("## 6. Against the Boot floor\n\n")
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
					Scale.UPSTREAM_TTFT_MS, Scale.UPSTREAM_WORDS, Scale.UPSTREAM_INTER_TOKEN_MS))
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
		return body.toString();
	}

}
