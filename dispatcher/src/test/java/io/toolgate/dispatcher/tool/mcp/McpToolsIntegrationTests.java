package io.toolgate.dispatcher.tool.mcp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.McpTestServers;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.FreePorts;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tools of real MCP servers through the whole gateway: the reference
 * {@code @modelcontextprotocol/server-everything} over Streamable HTTP
 * ({@code everything}) and over stdio ({@code local}), and the contract server over stdio
 * ({@code contract}), beside a built-in tool. Their tools are listed in
 * {@code GET /v1/tools}, run through {@code POST /v1/tools/{name}/invocations} and in a
 * turn whose model calls one and quotes its result; a server that is down at start-up
 * joins when it comes up.
 */
@Timeout(180)
class McpToolsIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static McpTestServers.Http everything;

	private static ScriptedUpstream upstream;

	private static GatewayApp app;

	private static int laterPort;

	@BeforeAll
	static void start() {
		everything = McpTestServers.everythingHttp();
		upstream = ScriptedUpstream.start(McpToolsIntegrationTests::script);
		laterPort = FreePorts.free();
		String registry = """
				defaults: { timeout: 20s, retry: { max-attempts: 2, initial-backoff: 20ms, max-backoff: 100ms } }
				tools:
				  - name: calculator
				    description: Calculate with two numbers
				    input-schema: { type: object, properties: { a: { type: number }, b: { type: number }, op: { type: string } }, required: [a, b, op] }
				    executor: { type: builtin, name: calculator }
				  - name: everything
				    executor: { type: mcp, url: '%s' }
				  - name: local
				    executor: { type: mcp, command: %s }
				  - name: contract
				    executor: { type: mcp, command: %s }
				    timeout: 1s
				  - name: later
				    executor: { type: mcp, url: 'http://127.0.0.1:%d/mcp' }
				"""
			.formatted(everything.url(), flow(McpTestServers.everythingStdio()), flow(McpTestServers.contractStdio()),
					laterPort);
		app = GatewayApp.start(Map.of("toolgate.tools.registry", write(registry), "toolgate.upstream.base-url",
				upstream.baseUrl(), "toolgate.tools.mcp.reconnect-min-backoff", "100ms",
				"toolgate.tools.mcp.reconnect-max-backoff", "500ms"));
		awaitTools((names) -> names.containsAll(List.of("everything_echo", "local_echo", "contract_echo")));
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, upstream, everything);
	}

	/** Calls everything_echo first, then answers quoting the tool message. */
	private static Flux<String> script(JsonNode request, int index) {
		JsonNode last = ChatScripts.lastMessage(request);
		if ("tool".equals(last.path("role").asString())) {
			return ChatScripts.text("The tool said: ", String.join(" | ", ChatScripts.toolResults(request)));
		}
		return ChatScripts
			.toolCalls(new String[] { "call_e", "everything_echo", "{\"message\":\"hi from the model\"}" });
	}

	@Test
	void discoveredToolsAreListedAfterTheDeclaredOnesWithTheirSchemas() {
		JsonNode list = tools();
		List<String> names = names(list);
		assertThat(names.get(0)).isEqualTo("calculator");
		assertThat(names).contains("everything_echo", "everything_get-sum", "everything_trigger-long-running-operation",
				"local_echo", "local_get-sum", "contract_echo", "contract_fail");
		// Declared tools, then each server's tools, servers and tools in name order.
		List<String> mcpNames = names.subList(1, names.size())
			.stream()
			.filter((name) -> !name.startsWith("later_"))
			.toList();
		assertThat(mcpNames).isSorted();
		JsonNode sum = find(list, "everything_get-sum");
		assertThat(sum.path("description").asString()).isEqualTo("Returns the sum of two numbers");
		assertThat(sum.path("input_schema").path("properties").path("a").path("type").asString()).isEqualTo("number");
		assertThat(sum.path("executor_type").asString()).isEqualTo("mcp");
		assertThat(sum.path("timeout_ms").asLong()).isEqualTo(20_000);
	}

	@Test
	void echoesOverStreamableHttpAndStdio() {
		for (String tool : List.of("everything_echo", "local_echo")) {
			JsonNode result = invoke(tool, Map.of("message", "hi")).json();
			assertThat(result.path("status").asString()).isEqualTo("ok");
			assertThat(result.path("output").path("content").get(0).path("type").asString()).isEqualTo("text");
			assertThat(result.path("output").path("content").get(0).path("text").asString()).isEqualTo("Echo: hi");
			assertThat(result.path("attempts").asInt()).isEqualTo(1);
		}
		Timer calls = meters().find("mcp.client.operation.duration")
			.tags("mcp.method.name", "tools/call", "gen_ai.tool.name", "echo", "error.type", "")
			.timer();
		assertThat(calls).isNotNull();
		assertThat(calls.count()).isGreaterThanOrEqualTo(2);
		assertThat(meters().find("mcp.client.operation.duration").tags("mcp.method.name", "tools/list").timers())
			.isNotEmpty();
	}

	@Test
	void addsNumbersAndRejectsArgumentsTheSchemaRefusesBeforeTheCall() {
		JsonNode sum = invoke("everything_get-sum", Map.of("a", 2, "b", 3)).json();
		assertThat(sum.path("output").path("content").get(0).path("text").asString()).contains("5");
		Reply invalid = invoke("everything_get-sum", Map.of("a", "two", "b", 3));
		assertThat(invalid.status()).isEqualTo(422);
		assertThat(invalid.json().path("error").path("code").asString()).isEqualTo("invalid_arguments");
	}

	@Test
	void aLongRunningToolReportsProgressAndAnswers() {
		McpServerConnection connection = connection("everything");
		long progressBefore = connection.progressNotifications();
		JsonNode result = invoke("everything_trigger-long-running-operation", Map.of("duration", 1, "steps", 4)).json();
		assertThat(result.path("status").asString()).isEqualTo("ok");
		assertThat(result.path("output").path("content").get(0).path("text").asString()).contains("completed");
		assertThat(connection.progressNotifications() - progressBefore).isEqualTo(4);
	}

	@Test
	void anIsErrorResultIsAToolErrorAndAJsonRpcErrorAWorkerErrorRetried() {
		Reply refused = invoke("contract_fail", Map.of());
		assertThat(refused.status()).isEqualTo(422);
		assertThat(refused.json().path("error").path("code").asString()).isEqualTo("tool_error");
		assertThat(refused.json().path("error").path("message").asString())
			.isEqualTo("MCP tool error: fail refuses every call");
		Timer refusedCalls = meters().find("mcp.client.operation.duration")
			.tags("mcp.method.name", "tools/call", "gen_ai.tool.name", "fail", "error.type", "tool_error")
			.timer();
		assertThat(refusedCalls).isNotNull();
		assertThat(refusedCalls.count()).isEqualTo(1);
		Reply failed = invoke("contract_boom", Map.of());
		assertThat(failed.status()).isEqualTo(502);
		assertThat(failed.json().path("error").path("code").asString()).isEqualTo("tool_worker_error");
		assertThat(failed.json().path("error").path("message").asString()).contains("-32603")
			.contains("boom went the server");
	}

	@Test
	void aCallPastItsTimeoutIsCancelledOnTheServer() {
		Reply slow = invoke("contract_slow", Map.of());
		assertThat(slow.status()).isEqualTo(504);
		assertThat(slow.json().path("error").path("code").asString()).isEqualTo("tool_timeout");
		// Cancelled (notifications/cancelled sent, the pending request settled), not left
		// waiting for an answer that will not come.
		assertThat(connection("contract").pendingCalls()).isZero();
	}

	@Test
	void aToolListChangeIsPickedUp() {
		assertThat(names(tools())).doesNotContain("contract_extra");
		assertThat(invoke("contract_grow", Map.of()).json().path("status").asString()).isEqualTo("ok");
		awaitTools((names) -> names.contains("contract_extra"));
		JsonNode extra = invoke("contract_extra", Map.of("n", 1)).json();
		assertThat(extra.path("output").path("echo").path("n").asInt()).isEqualTo(1);
		// A discovered tool has its bulkhead and breaker gauges, as a declared one.
		assertThat(meters().find("toolgate.tool.inflight").tag("tool", "contract_extra").gauge()).isNotNull();
		assertThat(meters().find("toolgate.tool.concurrency.limit").tag("tool", "contract_extra").gauge().value())
			.isEqualTo(64);
		assertThat(meters().find("toolgate.tool.circuit.state")
			.tags("tool", "contract_extra", "state", "closed")
			.gauge()
			.value()).isEqualTo(1);
	}

	@Test
	void aTurnCallsAnMcpToolAndQuotesItsResult() {
		List<ServerSentEvent<String>> events = SseClient.startTurn(app.client(GatewayApp.ACME_KEY), "conv-mcp", "echo")
			.collectList()
			.block(WAIT);
		assertThat(events).isNotNull();
		JsonNode toolResult = events.stream()
			.filter((event) -> "tool.result".equals(event.event()))
			.map((event) -> JSON.readTree(event.data()))
			.findFirst()
			.orElseThrow();
		assertThat(toolResult.path("name").asString()).isEqualTo("everything_echo");
		assertThat(toolResult.path("status").asString()).isEqualTo("ok");
		assertThat(toolResult.toString()).contains("Echo: hi from the model");
		JsonNode completed = events.stream()
			.filter((event) -> "turn.completed".equals(event.event()))
			.map((event) -> JSON.readTree(event.data()))
			.findFirst()
			.orElseThrow();
		String answer = completed.path("content").asString();
		assertThat(answer).startsWith("The tool said: ").contains("Echo: hi from the model");
	}

	@Test
	void aServerDownAtStartUpIsReportedAndJoinsWhenItComesUp() {
		assertThat(connection("later").status().state()).isIn(McpServerConnection.State.DOWN,
				McpServerConnection.State.CONNECTING);
		JsonNode health = health();
		assertThat(health.path("components").path("mcp").path("status").asString()).isEqualTo("DOWN");
		assertThat(health.path("components").path("mcp").path("details").path("later").path("state").asString())
			.isIn("down", "connecting");
		assertThat(health.path("components").path("mcp").path("details").path("everything").path("state").asString())
			.isEqualTo("connected");
		assertThat(invoke("later_echo", Map.of("message", "hi")).status()).isEqualTo(404);
		try (McpTestServers.Http later = McpTestServers.everythingHttp(laterPort)) {
			awaitTools((names) -> names.contains("later_echo"));
			assertThat(meters().find("toolgate.tool.waiting").tag("tool", "later_echo").gauge()).isNotNull();
			assertThat(invoke("later_echo", Map.of("message", "back")).json()
				.path("output")
				.path("content")
				.get(0)
				.path("text")
				.asString()).isEqualTo("Echo: back");
			assertThat(health().path("components").path("mcp").path("status").asString()).isEqualTo("UP");
		}
		// Gone again: the next call fails as a worker error, and the server's tools go at
		// once rather than at the next refresh.
		Reply gone = invoke("later_echo", Map.of("message", "gone"));
		assertThat(gone.status()).isEqualTo(502);
		assertThat(gone.json().path("error").path("code").asString()).isEqualTo("tool_worker_error");
		// The first attempt finds the connection gone; the retry may find the server
		// already dropped.
		assertThat(gone.json().path("error").path("message").asString())
			.matches("MCP server request failed: the connection.*|MCP server 'later' is not connected");
		awaitTools((names) -> !names.contains("later_echo"));
		// Its gauges went with its tools.
		assertThat(meters().find("toolgate.tool.inflight").tag("tool", "later_echo").gauge()).isNull();
		assertThat(meters().find("toolgate.tool.circuit.state").tag("tool", "later_echo").gauges()).isEmpty();
		assertThat(connection("later").status().state()).isIn(McpServerConnection.State.DOWN,
				McpServerConnection.State.CONNECTING);
	}

	private static MeterRegistry meters() {
		return app.context().getBean(MeterRegistry.class);
	}

	private static McpServerConnection connection(String name) {
		return app.context()
			.getBean(McpServers.class)
			.connections()
			.stream()
			.filter((connection) -> connection.spec().name().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private static JsonNode health() {
		return JSON.readTree(app.managementClient()
			.get()
			.uri("/actuator/health")
			.exchangeToMono((response) -> response.bodyToMono(String.class))
			.block(WAIT));
	}

	private static JsonNode tools() {
		return app.client(GatewayApp.ACME_KEY).get().uri("/v1/tools").retrieve().bodyToMono(JsonNode.class).block(WAIT);
	}

	private static List<String> names(JsonNode list) {
		return list.path("data").valueStream().map((tool) -> tool.path("name").asString()).toList();
	}

	private static JsonNode find(JsonNode list, String name) {
		return list.path("data")
			.valueStream()
			.filter((tool) -> tool.path("name").asString().equals(name))
			.findFirst()
			.orElseThrow();
	}

	private static void awaitTools(Predicate<List<String>> condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		List<String> names = names(tools());
		while (!condition.test(names) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			names = names(tools());
		}
		assertThat(condition).as("tools " + names).accepts(names);
	}

	private static Reply invoke(String tool, Map<String, Object> arguments) {
		WebClient client = app.client(GatewayApp.ACME_KEY);
		return client.post()
			.uri("/v1/tools/{name}/invocations", tool)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("arguments", arguments))
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("{}")
				.map((body) -> new Reply(response.statusCode().value(), JSON.readTree(body))))
			.block(WAIT);
	}

	private static String flow(List<String> command) {
		return command.stream().map((word) -> "'" + word + "'").toList().toString();
	}

	private static String write(String yaml) {
		try {
			Path file = Files.createTempFile("mcp-registry", ".yaml");
			Files.writeString(file, yaml);
			return file.toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private record Reply(int status, JsonNode json) {
	}

}
