package io.toolgate.dispatcher.metrics;

import java.time.Duration;

/**
 * Names, attributes and advised bucket boundaries of the OpenTelemetry GenAI semantic
 * conventions that Toolgate records. Every {@code gen_ai.client.operation.*} meter
 * carries the same tag keys (Prometheus requires one label set per metric name); a key
 * that does not apply to an operation has the empty value, which Prometheus treats as an
 * absent label.
 */
final class GenAi {

	static final String OPERATION_DURATION = "gen_ai.client.operation.duration";

	static final String TIME_TO_FIRST_CHUNK = "gen_ai.client.operation.time_to_first_chunk";

	static final String TOKEN_USAGE = "gen_ai.client.token.usage";

	static final String OPERATION_NAME = "gen_ai.operation.name";

	static final String PROVIDER_NAME = "gen_ai.provider.name";

	static final String REQUEST_MODEL = "gen_ai.request.model";

	static final String TOOL_NAME = "gen_ai.tool.name";

	static final String TOKEN_TYPE = "gen_ai.token.type";

	static final String ERROR_TYPE = "error.type";

	static final String CHAT = "chat";

	static final String EXECUTE_TOOL = "execute_tool";

	/**
	 * The advised boundaries of the duration and time-to-first-chunk histograms, in
	 * seconds.
	 */
	static final Duration[] DURATION_BUCKETS = seconds(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12,
			10.24, 20.48, 40.96, 81.92);

	/** The advised boundaries of the token usage histogram. */
	static final double[] TOKEN_BUCKETS = { 1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304,
			16777216, 67108864 };

	private GenAi() {
	}

	static Duration[] seconds(double... values) {
		Duration[] durations = new Duration[values.length];
		for (int i = 0; i < values.length; i++) {
			durations[i] = Duration.ofNanos(Math.round(values[i] * 1e9));
		}
		return durations;
	}

}
