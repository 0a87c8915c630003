package io.toolgate.dispatcher.tool.mcp;

import java.time.Duration;

/**
 * How the gateway talks to MCP servers, the same for every server.
 *
 * @param connectTimeout the TCP connect timeout to a Streamable HTTP server
 * @param initializeTimeout the bound of the {@code initialize} handshake (a stdio
 * server's start included)
 * @param listTimeout the bound of one {@code tools/list} (all pages)
 * @param refreshInterval how often the tool list is fetched again besides on
 * {@code notifications/tools/list_changed}
 * @param reconnectMinBackoff the first wait before a server that could not be reached is
 * tried again
 * @param reconnectMaxBackoff the longest wait between tries
 * @param maxConnections the connection pool bound of each Streamable HTTP server
 * @param maxResponseBytes the largest tool result accepted, and the longest stdio line
 */
public record McpSettings(Duration connectTimeout, Duration initializeTimeout, Duration listTimeout,
		Duration refreshInterval, Duration reconnectMinBackoff, Duration reconnectMaxBackoff, int maxConnections,
		int maxResponseBytes) {

	/**
	 * Checks the bounds.
	 * @throws IllegalArgumentException naming the invalid one
	 */
	public McpSettings {
		if (!connectTimeout.isPositive() || !initializeTimeout.isPositive() || !listTimeout.isPositive()
				|| !refreshInterval.isPositive() || !reconnectMinBackoff.isPositive()) {
			throw new IllegalArgumentException("MCP timeouts and intervals must be positive");
		}
		if (reconnectMaxBackoff.compareTo(reconnectMinBackoff) < 0) {
			throw new IllegalArgumentException("reconnect-max-backoff must be at least reconnect-min-backoff");
		}
		if (maxConnections < 1 || maxResponseBytes < 1) {
			throw new IllegalArgumentException("max-connections and the response size must be positive");
		}
	}

}
