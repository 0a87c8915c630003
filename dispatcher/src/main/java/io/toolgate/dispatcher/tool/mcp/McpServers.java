package io.toolgate.dispatcher.tool.mcp;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.toolgate.dispatcher.tool.ToolRegistry;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The MCP servers of the registry, each with its {@link McpServerConnection}, and the
 * executor their tools run on.
 */
public final class McpServers {

	private final List<McpServerConnection> connections;

	private final McpToolExecutor executor;

	/**
	 * Creates the connections; none connects before {@link #start()}.
	 * @param specs the registry's MCP servers
	 * @param settings the MCP client settings
	 * @param registry where discovered tools are registered
	 * @param bulkheadMaxWaiting how many calls may wait for a permit of one tool
	 * @param json the gateway's mapper
	 * @param mcpJson the SDK's mapper
	 * @param webClients the client builder HTTP transports start from
	 * @param observer hears of every MCP request, for metrics
	 */
	public McpServers(List<McpServerSpec> specs, McpSettings settings, ToolRegistry registry, int bulkheadMaxWaiting,
			JsonMapper json, McpJsonMapper mcpJson, WebClient.Builder webClients, McpOperationObserver observer) {
		this.executor = new McpToolExecutor();
		List<McpServerConnection> all = new ArrayList<>();
		for (McpServerSpec spec : specs) {
			McpServerConnection connection = new McpServerConnection(spec, settings, registry, this.executor,
					bulkheadMaxWaiting, json, mcpJson, webClients, observer);
			this.executor.add(connection);
			all.add(connection);
		}
		this.connections = List.copyOf(all);
	}

	/** The executor of every discovered tool. */
	public McpToolExecutor executor() {
		return this.executor;
	}

	/** Every server's connection, in registry order. */
	public List<McpServerConnection> connections() {
		return this.connections;
	}

	/** Starts connecting to every server in the background. */
	public void start() {
		this.connections.forEach(McpServerConnection::start);
	}

	/**
	 * Closes every connection.
	 * @return completes when all are closed, or after the given bound
	 * @param timeout the bound
	 */
	public Mono<Void> stop(Duration timeout) {
		return Flux.fromIterable(this.connections)
			.flatMap((connection) -> connection.stop().onErrorComplete())
			.then()
			.timeout(timeout, Mono.empty());
	}

}
