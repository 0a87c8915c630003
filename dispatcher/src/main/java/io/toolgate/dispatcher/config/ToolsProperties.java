package io.toolgate.dispatcher.config;

import java.time.Duration;

import io.toolgate.dispatcher.tool.ToolResultFraming;
import io.toolgate.dispatcher.web.ClientToolConflicts;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Tool settings, bound to {@code toolgate.tools}. Per-tool policy (timeout, retry,
 * concurrency, risk tier) lives in the registry file, not here.
 *
 * @param registry path of the tool registry YAML file (or a {@code classpath:} resource);
 * when unset, the built-in demo registry {@code classpath:tools/demo-tools.yaml}
 * @param bulkheadMaxWait how long a call waits for a permit of a tool at its
 * max-concurrency before it gets a retryable {@code rejected} result
 * @param bulkheadMaxWaiting how many calls may wait for a permit of one tool; beyond that
 * calls are rejected at once
 * @param maxResponseSize the largest tool worker response body accepted; larger gives
 * {@code output_too_large}
 * @param http HTTP tool worker client settings
 * @param mcp MCP server client settings (the servers themselves are registry entries)
 * @param clientToolConflict what a chat completion defining a tool with the name of a
 * registered one gets: {@code prefer-client} (the client's tool replaces the registered
 * one in that request, logged once per name) or {@code reject} (400 naming the tool)
 * @param untrustedResultNotice the system message sent first in every model request that
 * carries tool results, telling the model that framed tool output is untrusted data;
 * unset gives {@link ToolResultFraming#DEFAULT_NOTICE}, empty sends none
 */
@ConfigurationProperties("toolgate.tools")
@Validated
public record ToolsProperties(@Nullable String registry, @DefaultValue("1s") Duration bulkheadMaxWait,
		@DefaultValue("256") @Min(0) int bulkheadMaxWaiting, @DefaultValue("1MB") DataSize maxResponseSize,
		@DefaultValue @Valid Http http, @DefaultValue("prefer-client") ClientToolConflicts.Rule clientToolConflict,
		@DefaultValue @Valid Mcp mcp, @Nullable String untrustedResultNotice) {

	/**
	 * HTTP tool worker client settings.
	 *
	 * @param connectTimeout the TCP connect timeout to a worker
	 * @param maxConnections the connection pool bound over all workers
	 */
	public record Http(@DefaultValue("2s") Duration connectTimeout, @DefaultValue("500") @Min(1) int maxConnections) {
	}

	/**
	 * MCP server client settings, the same for every server.
	 *
	 * @param connectTimeout the TCP connect timeout to a Streamable HTTP server
	 * @param initializeTimeout the bound of the {@code initialize} handshake (a stdio
	 * server's start included)
	 * @param listTimeout the bound of one {@code tools/list}, all pages
	 * @param refreshInterval how often a server's tool list is fetched again, besides on
	 * {@code notifications/tools/list_changed}
	 * @param reconnectMinBackoff the first wait before an unreachable server is tried
	 * again
	 * @param reconnectMaxBackoff the longest wait between tries
	 * @param maxConnections the connection pool bound of each Streamable HTTP server
	 */
	public record Mcp(@DefaultValue("2s") Duration connectTimeout, @DefaultValue("10s") Duration initializeTimeout,
			@DefaultValue("10s") Duration listTimeout, @DefaultValue("5m") Duration refreshInterval,
			@DefaultValue("1s") Duration reconnectMinBackoff, @DefaultValue("30s") Duration reconnectMaxBackoff,
			@DefaultValue("16") @Min(1) int maxConnections) {
	}

}
