package io.toolgate.loadtest;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of a {@link ToolWorkerSimulator}.
 *
 * @param latency how long a successful call takes
 * @param errorRate the share of calls, 0 to 1, answered 500 after their latency
 * @param hangRate the share of calls, 0 to 1, never answered: the connection is closed
 * after {@code maxHang}
 * @param maxHang how long a hanging call holds its connection, so hung sockets do not
 * pile up forever
 * @param seed unused by the draw itself (draws are per thread); recorded so runs can be
 * described
 */
public record ToolWorkerSettings(LatencyDistribution latency, double errorRate, double hangRate, Duration maxHang,
		long seed) {

	/**
	 * Validates the settings.
	 * @throws IllegalArgumentException if a rate is outside 0..1 or {@code maxHang} is
	 * not positive
	 */
	public ToolWorkerSettings {
		if (!(errorRate >= 0 && errorRate <= 1) || !(hangRate >= 0 && hangRate <= 1)) {
			throw new IllegalArgumentException("rates must be between 0 and 1");
		}
		if (maxHang.isNegative() || maxHang.isZero()) {
			throw new IllegalArgumentException("maxHang must be positive");
		}
	}

	/** Returns a worker answering every call after {@code latency}, without failures. */
	public static ToolWorkerSettings of(LatencyDistribution latency) {
		return new ToolWorkerSettings(latency, 0, 0, Duration.ofSeconds(60), 0);
	}

	/**
	 * Reads {@code latency} (see {@link LatencyDistribution#parse}, default
	 * {@code fixed:50}), {@code error-rate}, {@code hang-rate}, {@code max-hang-ms}
	 * (default 60000) and {@code seed}.
	 * @param options the command-line options by name
	 * @return the settings
	 */
	public static ToolWorkerSettings fromOptions(Map<String, String> options) {
		return new ToolWorkerSettings(LatencyDistribution.parse(options.getOrDefault("latency", "fixed:50")),
				Double.parseDouble(options.getOrDefault("error-rate", "0")),
				Double.parseDouble(options.getOrDefault("hang-rate", "0")),
				Duration.ofMillis(Long.parseLong(options.getOrDefault("max-hang-ms", "60000"))),
				Long.parseLong(options.getOrDefault("seed", "0")));
	}

}
