package io.toolgate.dispatcher.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.toolgate.dispatcher.tool.mcp.McpOperationObserver;
import org.jspecify.annotations.Nullable;

/**
 * {@code mcp.client.operation.duration} (timer) by the OpenTelemetry MCP semantic
 * conventions: every request the gateway makes to an MCP server, tagged
 * {@code mcp.method.name} ({@code initialize}, {@code tools/list}, {@code tools/call}),
 * {@code gen_ai.tool.name} (the tool's name on the server, empty for other methods) and
 * {@code error.type} (empty when it succeeded). Buckets {@link #BUCKETS}.
 */
public final class McpClientMetrics implements McpOperationObserver {

	/** Histogram boundaries, in seconds, as the conventions advise. */
	static final Duration[] BUCKETS = GenAi.seconds(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300);

	private final MeterRegistry registry;

	private final MeterCache<Timer> timers = new MeterCache<>();

	/**
	 * Creates the metrics.
	 * @param registry where they are registered
	 */
	public McpClientMetrics(MeterRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void completed(String method, @Nullable String tool, @Nullable String errorType, long durationNanos) {
		String toolName = (tool != null) ? tool : "";
		String error = (errorType != null) ? errorType : "";
		this.timers
			.get(List.of(method, toolName, error),
					() -> Timer.builder("mcp.client.operation.duration")
						.description("MCP requests made to MCP servers")
						.tags("mcp.method.name", method, GenAi.TOOL_NAME, toolName, GenAi.ERROR_TYPE, error)
						.serviceLevelObjectives(BUCKETS)
						.register(this.registry))
			.record(durationNanos, TimeUnit.NANOSECONDS);
	}

}
