package io.toolgate.dispatcher.tool.mcp;

import org.jspecify.annotations.Nullable;

/**
 * Hears of every MCP request, for metrics: those the gateway makes as a client, or those
 * {@code /mcp} answers.
 */
@FunctionalInterface
public interface McpOperationObserver {

	/** An observer that records nothing. */
	McpOperationObserver NOOP = (method, tool, errorType, durationNanos) -> {
	};

	/**
	 * Records a finished request.
	 * @param method the MCP method, e.g. {@code tools/call}
	 * @param tool the tool's name for {@code tools/call}, else {@code null}
	 * @param errorType the failure type, or {@code null} when it succeeded
	 * @param durationNanos how long it took
	 */
	void completed(String method, @Nullable String tool, @Nullable String errorType, long durationNanos);

}
