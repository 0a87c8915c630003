package io.toolgate.dispatcher.tool.mcp;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.RiskTier;
import io.toolgate.dispatcher.tool.ToolApprovalPolicy;
import io.toolgate.dispatcher.tool.ToolCircuitBreakerPolicy;
import io.toolgate.dispatcher.tool.ToolRetryPolicy;
import io.toolgate.dispatcher.tool.ToolSpec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An MCP server as a registry entry of executor type {@code mcp} declares it: how to
 * reach it and the policy every tool discovered on it gets. Its tools are named
 * {@code <name>_<tool>}.
 *
 * @param name the entry's name, the prefix of its tools' names
 * @param url the Streamable HTTP endpoint, or {@code null} for a stdio server
 * @param headers HTTP headers sent with every request (credentials: never logged)
 * @param command the stdio server's command line, empty for an HTTP server
 * @param timeout the bound of each {@code tools/call} attempt
 * @param retry how retryable failures are retried
 * @param maxConcurrency the bulkhead bound of each discovered tool
 * @param riskTier the risk tier of each discovered tool
 * @param circuitBreaker the circuit breaker policy of each discovered tool
 * @param maxResultChars the result size cap of each discovered tool
 * @param approval when a call of a discovered tool waits for a reviewer's decision
 * @param tenants the tenants that may see and call the discovered tools; empty means
 * every tenant
 */
public record McpServerSpec(String name, @Nullable URI url, Map<String, String> headers, List<String> command,
		Duration timeout, ToolRetryPolicy retry, int maxConcurrency, RiskTier riskTier,
		ToolCircuitBreakerPolicy circuitBreaker, int maxResultChars, ToolApprovalPolicy approval, Set<String> tenants) {

	private static final Pattern TOOL_NAME = Pattern.compile("^[a-zA-Z0-9_-]{1,64}$");

	/**
	 * Checks that the server has exactly one transport.
	 * @throws IllegalArgumentException if it has both or neither
	 */
	public McpServerSpec {
		headers = Map.copyOf(headers);
		command = List.copyOf(command);
		tenants = Set.copyOf(tenants);
		if ((url == null) == command.isEmpty()) {
			throw new IllegalArgumentException("an MCP server needs either a url or a command");
		}
	}

	/** Whether the server runs as a child process spoken to over its stdio. */
	public boolean isStdio() {
		return this.url == null;
	}

	/**
	 * The gateway name of one of the server's tools.
	 * @param tool the tool's name on the server
	 * @return {@code <name>_<tool>}
	 */
	public String toolName(String tool) {
		return this.name + "_" + tool;
	}

	/**
	 * Whether a tool of the server can be offered: its gateway name must be a valid tool
	 * name (at most 64 letters, digits, {@code _} or {@code -}).
	 * @param tool the tool's name on the server
	 * @return whether it can be offered
	 */
	public boolean accepts(String tool) {
		return TOOL_NAME.matcher(toolName(tool)).matches();
	}

	/**
	 * The spec of a tool discovered on this server.
	 * @param tool the tool's name on the server
	 * @param description its description
	 * @param inputSchema its input schema
	 * @return the spec, with this entry's policy
	 */
	public ToolSpec toolSpec(String tool, String description, JsonNode inputSchema) {
		return new ToolSpec(toolName(tool), description, inputSchema, new ExecutorSpec.Mcp(this.name, tool),
				this.timeout, this.retry, this.maxConcurrency, this.riskTier, this.circuitBreaker, this.maxResultChars,
				this.approval, this.tenants);
	}

	/** Where the server is, without its headers' values. */
	public String describe() {
		return isStdio() ? "stdio " + this.command.get(0) : this.url.toString();
	}

	@Override
	public String toString() {
		return "McpServerSpec[" + this.name + " at " + describe() + ", headers " + this.headers.keySet() + "]";
	}

}
