package io.toolgate.dispatcher.tool.mcp;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.toolgate.dispatcher.tool.RiskTier;
import io.toolgate.dispatcher.tool.ToolApprovalPolicy;
import io.toolgate.dispatcher.tool.ToolCircuitBreakerPolicy;
import io.toolgate.dispatcher.tool.ToolResultFraming;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolRetryPolicy;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Connects {@link McpServers} to test servers outside a gateway. */
final class McpTestConnections {

	static final McpSettings SETTINGS = new McpSettings(Duration.ofSeconds(2), Duration.ofSeconds(20),
			Duration.ofSeconds(10), Duration.ofMinutes(5), Duration.ofMillis(100), Duration.ofMillis(500), 4,
			64 * 1024);

	private McpTestConnections() {
	}

	static McpServerSpec http(String name, URI url, Duration timeout) {
		return new McpServerSpec(name, url, Map.of(), List.of(), timeout,
				new ToolRetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 0), 4, RiskTier.LOW,
				ToolCircuitBreakerPolicy.ofDefaults(timeout), ToolResultFraming.DEFAULT_MAX_RESULT_CHARS,
				ToolApprovalPolicy.BY_RISK, Set.of());
	}

	static McpServerSpec stdio(String name, List<String> command, Duration timeout) {
		return new McpServerSpec(name, null, Map.of(), command, timeout,
				new ToolRetryPolicy(1, Duration.ofMillis(10), Duration.ofMillis(10), 0), 4, RiskTier.LOW,
				ToolCircuitBreakerPolicy.ofDefaults(timeout), ToolResultFraming.DEFAULT_MAX_RESULT_CHARS,
				ToolApprovalPolicy.BY_RISK, Set.of());
	}

	/** Starts the servers' connections and waits until each is connected. Blocking. */
	static McpServers connect(ToolRegistry registry, McpServerSpec... specs) {
		McpServers servers = new McpServers(List.of(specs), SETTINGS, registry, 16, JsonMapper.shared(),
				McpJsonDefaults.getMapper(), WebClient.builder(), McpOperationObserver.NOOP);
		servers.start();
		Flux.fromIterable(servers.connections())
			.flatMap((connection) -> awaitState(connection, McpServerConnection.State.CONNECTED))
			.then()
			.block(Duration.ofSeconds(60));
		return servers;
	}

	static Mono<McpServerConnection.Status> awaitState(McpServerConnection connection,
			McpServerConnection.State state) {
		return Flux.interval(Duration.ofMillis(20))
			.map((tick) -> connection.status())
			.filter((status) -> status.state() == state)
			.next();
	}

}
