package io.toolgate.loadtest;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.toolgate.loadtest.fleet.Fleet;
import io.toolgate.loadtest.fleet.ManagedProcess;
import io.toolgate.loadtest.fleet.Registries;
import io.toolgate.loadtest.simulation.AgentsSimulation;
import io.toolgate.loadtest.simulation.ChatCompletionsSimulation;
import io.toolgate.loadtest.simulation.RateLimitSimulation;
import io.toolgate.loadtest.support.GatlingRun;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every Gatling simulation at smoke scale (a few users, seconds) against a real
 * fleet — a private Redis, the upstream and tool-worker simulators, and two Toolgate
 * replicas started from the packaged jar — so the simulations cannot rot. Full-scale runs
 * are the benchmark's ({@code bench/run.sh}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SimulationsSmokeIntegrationTests {

	private static final int TENANTS = 4;

	private static final int LIMIT = 5;

	private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

	private final Path workDirectory = Path.of(System.getProperty("loadtest.workDir", "target/loadtest-smoke"));

	private Fleet fleet;

	private ManagedProcess first;

	private ManagedProcess second;

	@BeforeAll
	void startFleet() {
		this.fleet = new Fleet(this.workDirectory,
				Path.of(System.getProperty("toolgate.jar", "../dispatcher/target/toolgate.jar")));
		ManagedProcess redis = this.fleet.redisNow();
		ManagedProcess upstream = this.fleet
			.upstreamNow(List.of("--ttft-ms=5", "--inter-token-ms=2", "--reply-words=12"));
		ManagedProcess worker = this.fleet.toolWorkerNow(List.of("--latency=uniform:5:20"));
		Path registry = this.fleet.writeFile("registry.yaml",
				Registries.workerTools("http://127.0.0.1:" + worker.port() + "/tool", 64));
		String keys = "smoke:k1," + IntStream.rangeClosed(1, TENANTS)
			.mapToObj((i) -> "rl-" + i + ":rl-key-" + i)
			.collect(Collectors.joining(","));
		Map<String, String> environment = Map.of("TOOLGATE_API_KEYS", keys, "REDIS_URL",
				"redis://127.0.0.1:" + redis.port());
		List<String> arguments = new ArrayList<>(List.of(
				"--toolgate.upstream.base-url=http://127.0.0.1:" + upstream.port() + "/v1",
				"--toolgate.tools.registry=" + registry,
				"--toolgate.ratelimit.plans.limited.requests-per-minute=" + LIMIT, "--toolgate.warm-up.enabled=false"));
		IntStream.rangeClosed(1, TENANTS)
			.forEach((i) -> arguments.add("--toolgate.ratelimit.tenants.rl-" + i + "=limited"));
		List<String> jvm = List.of("-Xmx256m", "-XX:TieredStopAtLevel=1");
		this.first = this.fleet.toolgateNow(jvm, arguments, environment);
		this.second = this.fleet.toolgateNow(jvm, arguments, environment);
	}

	@AfterAll
	void stopFleet() {
		if (this.fleet != null) {
			this.fleet.close();
		}
	}

	@Test
	void agentsRunMultiTurnConversationsWithParallelToolCalls() {
		GatlingRun run = run(AgentsSimulation.class, Map.of("baseUrls", url(this.first) + "," + url(this.second),
				"apiKey", "k1", "users", "4", "conversations", "2", "turns", "2", "maxDuration", "60"));

		assertThat(run.exitCode()).as(run.output()).isZero();
	}

	@Test
	void chatCompletionsStreamAtAFixedRate() {
		GatlingRun run = run(ChatCompletionsSimulation.class,
				Map.of("baseUrl", url(this.first), "apiKey", "k1", "rate", "5", "duration", "3", "maxDuration", "40"));

		assertThat(run.exitCode()).as(run.output()).isZero();
	}

	@Test
	void rateLimitsHoldAcrossTwoReplicas() {
		GatlingRun run = run(RateLimitSimulation.class,
				Map.of("baseUrls", url(this.first) + "," + url(this.second), "tenants", Integer.toString(TENANTS),
						"limit", Integer.toString(LIMIT), "requests", Integer.toString(LIMIT + 3), "maxDuration",
						"40"));

		assertThat(run.exitCode()).as(run.output()).isZero();
	}

	private GatlingRun run(Class<?> simulation, Map<String, String> properties) {
		return GatlingRun.runNow(simulation, properties, this.workDirectory.resolve("gatling"), RUN_TIMEOUT);
	}

	private static String url(ManagedProcess toolgate) {
		return "http://127.0.0.1:" + toolgate.port();
	}

}
