package io.toolgate.loadtest.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.toolgate.loadtest.fleet.Fleet;
import io.toolgate.loadtest.fleet.ManagedProcess;
import io.toolgate.loadtest.fleet.Registries;

import static io.toolgate.loadtest.bench.Toolgates.KEY;
import static io.toolgate.loadtest.bench.Toolgates.base;

/**
 * The measurements through the gateway (overhead, open streams, tool fan-out, concurrent
 * agents) and the comparison with the Boot floor: each starts the simulators and the
 * Toolgate it needs, runs its benchmark, stops them and adds its section to the report.
 */
final class Measurements {

	private final Fleet fleet;

	private final Toolgates toolgates;

	private final Scale scale;

	private final Report report;

	private final LoadClient client;

	Measurements(Fleet fleet, Toolgates toolgates, Scale scale, Report report, LoadClient client) {
		this.fleet = fleet;
		this.toolgates = toolgates;
		this.scale = scale;
		this.report = report;
		this.client = client;
	}

	/** Section 1: the same load straight to the upstream and through Toolgate. */
	void overhead() {
		ManagedProcess upstream = this.fleet.upstreamNow(Scale.upstreamOptions());
		ManagedProcess toolgate = this.toolgates.withoutLimitsNow("overhead", "-Xmx1g", upstream, Registries.empty(),
				List.of());
		List<OverheadBenchmark.Row> rows = new OverheadBenchmark(this.client).runNow(base(upstream), base(toolgate),
				KEY, this.scale.rates(), this.scale.overheadDuration(), toolgate, upstream);
		this.toolgates.stop("overhead", toolgate);
		this.fleet.stop(upstream);
		this.report.overhead(rows, this.toolgates.profileOf("overhead"));
	}

	/** Section 2: as many native turns held open at once as the scale asks for. */
	void streams() {
		ManagedProcess upstream = this.fleet
			.upstreamNow(List.of("--ttft-ms=100", "--inter-token-ms=2000", "--reply-words=150", "--stamp-tokens=true"));
		ManagedProcess toolgate = this.toolgates.withoutLimitsNow("streams", "-Xmx512m", upstream, Registries.empty(),
				// Every open stream holds an upstream connection; the shipped pool has
				// 1,000 (and 4,000 waiting).
				List.of("--toolgate.turn.deadline=600s",
						"--toolgate.upstream.max-connections=" + (this.scale.streams() + 1000)));
		StreamsBenchmark.Result result = new StreamsBenchmark(this.client).runNow(base(toolgate), KEY,
				this.scale.streams(), this.scale.streamOpenRate(), toolgate);
		this.toolgates.stop("streams", toolgate);
		this.fleet.stop(upstream);
		this.report.streams(result, this.toolgates.profileOf("streams"));
	}

	/** Section 3: turns whose model asks for {@link Scale#FANOUT_CALLS} tools at once. */
	void fanOut() {
		int calls = Scale.FANOUT_CALLS;
		ManagedProcess upstream = this.fleet
			.upstreamNow(List.of("--ttft-ms=5", "--inter-token-ms=1", "--reply-words=4", "--tool-calls=" + calls));
		ManagedProcess worker = this.fleet.toolWorkerNow(List.of("--latency=fixed:" + Scale.FANOUT_LATENCY_MS));
		ManagedProcess toolgate = this.toolgates.withoutLimitsNow("fanout", "-Xmx1g", upstream,
				Registries.singleWorkerTool("http://127.0.0.1:" + worker.port() + "/tool", 1000),
				List.of("--toolgate.turn.max-parallel-tools=" + calls,
						"--toolgate.turn.loop-threshold=" + (calls + 1)));
		FanOutBenchmark bench = new FanOutBenchmark(this.client);
		bench.runNow(base(toolgate), KEY, calls, 10, 1);
		List<FanOutBenchmark.Result> results = new ArrayList<>();
		results.add(bench.runNow(base(toolgate), KEY, calls, this.scale.fanOutTurns(), 1));
		results.add(
				bench.runNow(base(toolgate), KEY, calls, this.scale.fanOutTurns() * 2, this.scale.fanOutConcurrency()));
		this.toolgates.stop("fanout", toolgate);
		this.fleet.stop(worker);
		this.fleet.stop(upstream);
		this.report.fanOut(results, calls, Scale.FANOUT_LATENCY_MS, this.toolgates.profileOf("fanout"));
	}

	/** Section 4: agents running conversations with tools, more each step. */
	void agents() {
		ManagedProcess upstream = this.fleet
			.upstreamNow(List.of("--ttft-ms=200", "--inter-token-ms=30", "--reply-words=12"));
		ManagedProcess worker = this.fleet.toolWorkerNow(List.of("--latency=lognormal:30:150"));
		ManagedProcess toolgate = this.toolgates.withoutLimitsNow("agents", "-Xmx1g", upstream,
				Registries.workerTools("http://127.0.0.1:" + worker.port() + "/tool", 5000),
				List.of("--toolgate.tools.http.max-connections=5000", "--toolgate.tools.bulkhead-max-waiting=5000",
						"--toolgate.upstream.max-connections=" + Scale.AGENT_UPSTREAM_CONNECTIONS));
		List<AgentsBenchmark.Step> steps = agentSteps(toolgate);
		this.toolgates.stop("agents", toolgate);
		this.fleet.stop(worker);
		this.fleet.stop(upstream);
		this.report.agents(steps, this.toolgates.profileOf("agents"));
	}

	/** Raises the number of agents step by step until a step has an error. */
	private List<AgentsBenchmark.Step> agentSteps(ManagedProcess toolgate) {
		List<AgentsBenchmark.Step> steps = new ArrayList<>();
		AgentsBenchmark bench = new AgentsBenchmark(this.client);
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
		return steps;
	}

	/** Section 6: the upstream directly, the Boot floor proxy and Toolgate as shipped. */
	void floor(FloorBenchmark.Settings settings, Path floorJar) {
		ManagedProcess upstream = this.fleet.upstreamNow(Scale.upstreamOptions());
		String upstreamUrl = base(upstream);
		// The same JVM options as Toolgate's, without a recording: the floor is the
		// yardstick, not the subject.
		ManagedProcess floor = this.fleet.floorProxyNow(floorJar, List.of("-Xmx1g", "-XX:+UseG1GC"),
				List.of("--floor.upstream=" + upstreamUrl, "--logging.level.root=WARN"), Map.of("FLOOR_KEY", KEY));
		ManagedProcess toolgate = this.toolgates.shippedNow("floor", "-Xmx1g", upstream);
		FloorBenchmark benchmark = new FloorBenchmark(this.client, settings);
		List<FloorBenchmark.Cell> cells = benchmark.runNow(new FloorBenchmark.Target("direct", upstreamUrl, null, null),
				new FloorBenchmark.Target("floor", base(floor), KEY, floor),
				new FloorBenchmark.Target("Toolgate", base(toolgate), KEY, toolgate), upstream);
		this.toolgates.stop("floor", toolgate);
		this.report.log("floor-proxy", floor.log());
		this.fleet.stop(floor);
		this.fleet.stop(upstream);
		this.report.floor(cells, benchmark.warmup(), settings, this.toolgates.profileOf("floor"));
		System.out.println();
		System.out.print(FloorTable.markdown(cells, benchmark.warmup()));
	}

}
