package io.toolgate.dispatcher.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.toolgate.dispatcher.tool.mcp.McpOperationObserver;
import org.jspecify.annotations.Nullable;

/**
 * MCP operation durations by the OpenTelemetry MCP semantic conventions, one timer per
 * side: {@code mcp.client.operation.duration} for every request the gateway makes to an
 * MCP server ({@link #client}) and {@code mcp.server.operation.duration} for every
 * request {@code /mcp} answers ({@link #server}). Tagged {@code mcp.method.name} (e.g.
 * {@code initialize}, {@code tools/list}, {@code tools/call}), {@code gen_ai.tool.name}
 * (the tool's name for {@code tools/call}, empty otherwise) and {@code error.type} (empty
 * when it succeeded). Buckets {@link #BUCKETS}.
 */
public final class McpOperationMetrics implements McpOperationObserver {

	/** Histogram boundaries, in seconds, as the conventions advise. */
	static final Duration[] BUCKETS = GenAi.seconds(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300);

	private final MeterRegistry registry;

	private final String name;

	private final String description;

	private final MeterCache<Timer> timers = new MeterCache<>();

	private McpOperationMetrics(MeterRegistry registry, String name, String description) {
		this.registry = registry;
		this.name = name;
		this.description = description;
	}

	/**
	 * {@code mcp.client.operation.duration}: requests made to MCP servers.
	 * @param registry where the timers are registered
	 * @return the metrics
	 */
	public static McpOperationMetrics client(MeterRegistry registry) {
		return new McpOperationMetrics(registry, "mcp.client.operation.duration", "MCP requests made to MCP servers");
	}

	/**
	 * {@code mcp.server.operation.duration}: requests {@code /mcp} answered.
	 * @param registry where the timers are registered
	 * @return the metrics
	 */
	public static McpOperationMetrics server(MeterRegistry registry) {
		return new McpOperationMetrics(registry, "mcp.server.operation.duration",
				"MCP requests answered by this gateway's /mcp endpoint");
	}

	@Override
	public void completed(String method, @Nullable String tool, @Nullable String errorType, long durationNanos) {
		String toolName = (tool != null) ? tool : "";
		String error = (errorType != null) ? errorType : "";
		this.timers
			.get(List.of(method, toolName, error),
					() -> Timer.builder(this.name)
						.description(this.description)
						.tags("mcp.method.name", method, GenAi.TOOL_NAME, toolName, GenAi.ERROR_TYPE, error)
						.serviceLevelObjectives(BUCKETS)
						.register(this.registry))
			.record(durationNanos, TimeUnit.NANOSECONDS);
	}

}
