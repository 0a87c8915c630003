package io.toolgate.dispatcher.tool.mcp;

import java.time.Duration;
import java.util.List;

import io.toolgate.dispatcher.support.McpTestServers;
import io.toolgate.dispatcher.tool.AbstractToolExecutorContractTests;
import io.toolgate.dispatcher.tool.ToolExecutor;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.test.Closeables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ToolExecutor} contract for {@link McpToolExecutor}, over real Streamable
 * HTTP to the contract MCP server ({@code src/test/mcp/contract-server.mjs}, on the
 * TypeScript MCP SDK): its tools are discovered with {@code tools/list}, called with
 * {@code tools/call}, and a call the caller gives up on is cancelled on the server.
 */
class McpToolExecutorContractTests extends AbstractToolExecutorContractTests {

	private static McpTestServers.Http server;

	private static ToolRegistry registry;

	private static McpServers servers;

	private int invocationsBefore;

	private int cancelledBefore;

	@BeforeAll
	static void connect() {
		server = McpTestServers.contractHttp();
		registry = ToolRegistry.of(List.of());
		servers = McpTestConnections.connect(registry,
				McpTestConnections.http("contract", server.url(), Duration.ofSeconds(5)));
	}

	@AfterAll
	static void close() {
		if (servers != null) {
			servers.stop(Duration.ofSeconds(10)).block();
		}
		Closeables.closeAll(server);
	}

	@BeforeEach
	void baseline() {
		this.invocationsBefore = server.stats().path("invocations").asInt();
		this.cancelledBefore = server.stats().path("cancelled").asInt();
	}

	@Override
	protected ToolExecutor executor() {
		return servers.executor();
	}

	@Override
	protected ToolSpec echoTool() {
		return tool("contract_echo");
	}

	@Override
	protected ToolSpec failingTool() {
		return tool("contract_fail");
	}

	@Override
	protected ToolSpec slowTool() {
		return tool("contract_slow");
	}

	@Override
	protected ToolSpec foreignTool() {
		return TestTools.builtin("clock");
	}

	@Override
	protected int invocations() {
		return server.stats().path("invocations").asInt() - this.invocationsBefore;
	}

	/**
	 * The server saw {@code notifications/cancelled}: its call stopped, and the client
	 * forgot the request.
	 */
	@Override
	protected void assertSlowCallAbandoned() {
		assertThat(invocations()).as("the slow call reached the server").isEqualTo(1);
		// Polled on the test thread: reading the counters blocks.
		long deadline = System.nanoTime() + VERIFY.toNanos();
		JsonNode stats = server.stats();
		while ((stats.path("inFlight").asInt() != 0 || stats.path("cancelled").asInt() != this.cancelledBefore + 1)
				&& System.nanoTime() < deadline) {
			sleep();
			stats = server.stats();
		}
		assertThat(stats.path("inFlight").asInt()).as("calls still running on the server").isZero();
		assertThat(stats.path("cancelled").asInt()).as("calls the server saw cancelled")
			.isEqualTo(this.cancelledBefore + 1);
		assertThat(servers.connections().get(0).pendingCalls()).isZero();
	}

	private static void sleep() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static ToolSpec tool(String name) {
		return registry.find(name).orElseThrow(() -> new AssertionError(name + " not discovered")).spec();
	}

}
