package io.toolgate.loadtest.bench;

import java.time.Duration;
import java.util.List;

/** How big and long each measurement is. */
record Scale(List<Double> rates, Duration overheadDuration, int streams, double streamOpenRate, int fanOutTurns,
		int fanOutConcurrency, List<Integer> agentSteps, Duration agentStepDuration, Duration agentRamp, int redisTurns,
		List<Double> redisRates, List<Double> redisChatRates, Duration redisDuration) {

	static final int UPSTREAM_TTFT_MS = 20;

	static final int UPSTREAM_INTER_TOKEN_MS = 5;

	static final int UPSTREAM_WORDS = 16;

	static final int FANOUT_CALLS = 10;

	static final int FANOUT_LATENCY_MS = 100;

	static final Duration AGENT_THINK = Duration.ofSeconds(3);

	static final int AGENT_TURNS = 3;

	/**
	 * The upstream pool of the agents measurement: more model calls than the default
	 * 1,000 run at once at 5,000 agents.
	 */
	static final int AGENT_UPSTREAM_CONNECTIONS = 5000;

	static Scale quick() {
		return new Scale(List.of(500.0, 1000.0), Duration.ofSeconds(5), 1000, 500, 20, 10, List.of(250, 500, 1000),
				Duration.ofSeconds(20), Duration.ofSeconds(5), 50, List.of(200.0, 500.0), List.of(200.0),
				Duration.ofSeconds(6));
	}

	static Scale full() {
		return new Scale(List.of(500.0, 1000.0, 2000.0), Duration.ofSeconds(15), 10_000, 500, 50, 20,
				List.of(500, 1000, 2000, 5000), Duration.ofSeconds(40), Duration.ofSeconds(15), 200,
				List.of(200.0, 500.0, 1000.0), List.of(200.0, 500.0), Duration.ofSeconds(15));
	}

	/**
	 * The upstream simulator's options where a measurement compares against it directly:
	 * the first token after {@link #UPSTREAM_TTFT_MS}, then {@link #UPSTREAM_WORDS} words
	 * {@link #UPSTREAM_INTER_TOKEN_MS} apart.
	 */
	static List<String> upstreamOptions() {
		return List.of("--ttft-ms=" + UPSTREAM_TTFT_MS, "--inter-token-ms=" + UPSTREAM_INTER_TOKEN_MS,
				"--reply-words=" + UPSTREAM_WORDS);
	}

}
