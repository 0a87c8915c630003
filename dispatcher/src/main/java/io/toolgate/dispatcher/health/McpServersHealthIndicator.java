package io.toolgate.dispatcher.health;

import java.util.LinkedHashMap;
import java.util.Map;

import io.toolgate.dispatcher.tool.mcp.McpServerConnection;
import io.toolgate.dispatcher.tool.mcp.McpServers;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Reports the registry's MCP servers: DOWN while any is not connected, with each server's
 * state, tool count and last error. It is not part of the readiness group: a replica
 * whose MCP server is down still serves every other tool, so it stays in the load
 * balancer; {@code /actuator/health} says which server is missing.
 */
public class McpServersHealthIndicator implements HealthIndicator {

	private final McpServers servers;

	/**
	 * Creates the indicator.
	 * @param servers the MCP servers
	 */
	public McpServersHealthIndicator(McpServers servers) {
		this.servers = servers;
	}

	@Override
	public Health health() {
		boolean allConnected = true;
		Map<String, Object> details = new LinkedHashMap<>();
		for (McpServerConnection connection : this.servers.connections()) {
			McpServerConnection.Status status = connection.status();
			allConnected &= status.state() == McpServerConnection.State.CONNECTED;
			Map<String, Object> server = new LinkedHashMap<>();
			server.put("state", status.state().name().toLowerCase(java.util.Locale.ROOT));
			server.put("url", connection.spec().describe());
			server.put("tools", status.tools());
			if (status.error() != null) {
				server.put("error", status.error());
			}
			details.put(connection.spec().name(), server);
		}
		return (allConnected ? Health.up() : Health.down()).withDetails(details).build();
	}

}
