package io.toolgate.dispatcher.tool.mcp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.ToolExecution;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.dispatcher.tool.ToolExecutor;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Runs tools discovered on MCP servers: one {@code tools/call} per attempt on the tool's
 * server connection. The arguments are sent as given (they were validated against the
 * tool's {@code inputSchema} before); the call id, tenant, attempt and idempotency key go
 * in the request's {@code _meta} ({@code io.toolgate/call-id},
 * {@code io.toolgate/tenant}, {@code io.toolgate/attempt},
 * {@code io.toolgate/idempotency-key}) with a {@code progressToken}. Cancelling the
 * returned {@code Mono} (the caller's timeout, a cancelled turn) sends
 * {@code notifications/cancelled} to the server.
 */
public final class McpToolExecutor implements ToolExecutor {

	private final Map<String, McpServerConnection> servers = new ConcurrentHashMap<>();

	/**
	 * Adds a server whose tools this executor runs.
	 * @param connection the server's connection
	 */
	public void add(McpServerConnection connection) {
		this.servers.put(connection.spec().name(), connection);
	}

	@Override
	public Mono<JsonNode> execute(ToolExecution execution) {
		if (!(execution.tool().executor() instanceof ExecutorSpec.Mcp mcp)) {
			return Mono
				.error(new IllegalArgumentException("Tool '" + execution.tool().name() + "' is not an MCP tool"));
		}
		return Mono.defer(() -> {
			McpServerConnection server = this.servers.get(mcp.server());
			if (server == null) {
				return Mono.error(ToolExecutionException.workerError("MCP server '" + mcp.server() + "' is unknown"));
			}
			return server.call(mcp.tool(), execution);
		});
	}

}
