package io.toolgate.dispatcher.tool.mcp;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.McpTestServers;
import io.toolgate.test.Closeables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.mcp.client.webflux.transport.WebClientStreamableHttpTransport;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code /mcp} with the MCP Java SDK's own client over Streamable HTTP, authenticated
 * with a tenant's API key: it lists the gateway's tools in registry order and calls them
 * through the same dispatch as direct invocations; bad keys, bad messages and other
 * methods get their errors.
 */
@Timeout(120)
class McpEndpointIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.shared();

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		app = GatewayApp.start(Map.of());
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app);
	}

	@Test
	void theSdkClientListsTheToolsInRegistryOrderAndCallsThem() {
		McpAsyncClient client = client(GatewayApp.ACME_KEY);
		try {
			McpSchema.InitializeResult initialized = client.initialize().block(WAIT);
			assertThat(initialized.protocolVersion()).isEqualTo(McpEndpoint.LATEST);
			assertThat(initialized.serverInfo().name()).isEqualTo("toolgate");
			List<String> listed = client.listTools().block(WAIT).tools().stream().map(McpSchema.Tool::name).toList();
			List<String> registered = app.client(GatewayApp.ACME_KEY)
				.get()
				.uri("/v1/tools")
				.retrieve()
				.bodyToMono(JsonNode.class)
				.block(WAIT)
				.path("data")
				.valueStream()
				.map((tool) -> tool.path("name").asString())
				.toList();
			assertThat(listed).isEqualTo(registered).contains("calculator");
			McpSchema.CallToolResult product = client
				.callTool(McpSchema.CallToolRequest.builder("calculator")
					.arguments(Map.of("a", 6, "b", 7, "op", "multiply"))
					.build())
				.block(WAIT);
			assertThat(product.isError()).isFalse();
			assertThat(JSON.valueToTree(product.structuredContent()).toString()).contains("42");
			McpSchema.CallToolResult invalid = client
				.callTool(McpSchema.CallToolRequest.builder("calculator").arguments(Map.of("a", "six")).build())
				.block(WAIT);
			assertThat(invalid.isError()).isTrue();
			assertThat(((McpSchema.TextContent) invalid.content().get(0)).text()).startsWith("invalid_arguments: ");
			McpSchema.CallToolResult held = client
				.callTool(McpSchema.CallToolRequest.builder("send_email")
					.arguments(Map.of("to", "bob@example.com", "subject", "Hi", "body", "Hello"))
					.build())
				.block(WAIT);
			assertThat(held.isError()).isTrue();
			assertThat(((McpSchema.TextContent) held.content().get(0)).text()).startsWith("approval_required: ");
			assertThatThrownBy(
					() -> client.callTool(McpSchema.CallToolRequest.builder("teleport").arguments(Map.of()).build())
						.block(WAIT))
				.isInstanceOfSatisfying(McpError.class,
						(error) -> assertThat(error.getJsonRpcError().code()).isEqualTo(-32602));
		}
		finally {
			client.closeGracefully().block(WAIT);
		}
	}

	@Test
	void everyAnsweredRequestIsTimedByMethodToolAndErrorType() {
		McpAsyncClient client = client(GatewayApp.ACME_KEY);
		try {
			client.initialize().block(WAIT);
			client.listTools().block(WAIT);
			client.callTool(McpSchema.CallToolRequest.builder("clock").arguments(Map.of("timezone", "UTC")).build())
				.block(WAIT);
			client.callTool(McpSchema.CallToolRequest.builder("clock").arguments(Map.of("timezone", 7)).build())
				.block(WAIT);
			assertThatThrownBy(() -> client.callTool(
					McpSchema.CallToolRequest.builder("no-such-tool-" + System.nanoTime()).arguments(Map.of()).build())
				.block(WAIT)).isInstanceOf(McpError.class);
		}
		finally {
			client.closeGracefully().block(WAIT);
		}
		MeterRegistry meters = app.context().getBean(MeterRegistry.class);
		assertThat(timer(meters, "initialize", "", "").count()).isPositive();
		assertThat(timer(meters, "tools/list", "", "").count()).isPositive();
		Timer ok = timer(meters, "tools/call", "clock", "");
		assertThat(ok.count()).isPositive();
		assertThat(timer(meters, "tools/call", "clock", "invalid_arguments").count()).isPositive();
		// An unknown tool is counted by its error code, without its name.
		assertThat(timer(meters, "tools/call", "", "-32602").count()).isPositive();
		assertThat(meters.find("mcp.server.operation.duration").timers()).allSatisfy(
				(timer) -> assertThat(timer.getId().getTag("gen_ai.tool.name")).doesNotStartWith("no-such-tool"));
		assertThat(ok.takeSnapshot().histogramCounts()).extracting((bucket) -> bucket.bucket(TimeUnit.SECONDS))
			.contains(0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0);
	}

	private static Timer timer(MeterRegistry meters, String method, String tool, String errorType) {
		Timer timer = meters.find("mcp.server.operation.duration")
			.tags("mcp.method.name", method, "gen_ai.tool.name", tool, "error.type", errorType)
			.timer();
		assertThat(timer).as("timer of %s %s %s", method, tool, errorType).isNotNull();
		return timer;
	}

	@Test
	void theInspectorCliListsAndCallsTheTools() {
		String url = app.baseUrl() + "/mcp";
		McpTestServers.Result list = McpTestServers.inspector(url, "--method", "tools/list", "--header",
				"Authorization: Bearer " + GatewayApp.ACME_KEY);
		assertThat(list.exitCode()).as(list.output()).isZero();
		JsonNode tools = JSON.readTree(list.output());
		assertThat(tools.path("tools").valueStream().map((tool) -> tool.path("name").asString()).toList())
			.containsExactly("clock", "calculator", "lookup", "weather", "slow_echo", "send_email");
		McpTestServers.Result call = McpTestServers.inspector(url, "--method", "tools/call", "--tool-name",
				"calculator", "--tool-arg", "a=6", "b=7", "op=multiply", "--header",
				"Authorization: Bearer " + GatewayApp.ACME_KEY);
		assertThat(call.exitCode()).as(call.output()).isZero();
		JsonNode result = JSON.readTree(call.output());
		assertThat(result.path("isError").asBoolean()).isFalse();
		assertThat(result.path("structuredContent").path("result").asInt()).isEqualTo(42);
		McpTestServers.Result refused = McpTestServers.inspector(url, "--method", "tools/list", "--header",
				"Authorization: Bearer not-a-key");
		assertThat(refused.output()).contains("invalid_api_key").doesNotContain("\"tools\"");
	}

	@Test
	void aClientWithoutAValidKeyIsRefused() {
		McpAsyncClient client = client("not-a-key");
		try {
			assertThatThrownBy(() -> client.initialize().block(WAIT)).isNotNull();
		}
		finally {
			client.close();
		}
		assertThat(post("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}", null).status()).isEqualTo(401);
	}

	@Test
	void badMessagesOtherMethodsAndNotificationsGetTheirAnswers() {
		Reply notJson = post("{nope", GatewayApp.ACME_KEY);
		assertThat(notJson.status()).isEqualTo(400);
		assertThat(JSON.readTree(notJson.body()).path("error").path("code").asInt()).isEqualTo(-32700);
		Reply batch = post("[]", GatewayApp.ACME_KEY);
		assertThat(batch.status()).isEqualTo(400);
		assertThat(JSON.readTree(batch.body()).path("error").path("code").asInt()).isEqualTo(-32600);
		Reply unknown = post("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"resources/list\"}", GatewayApp.ACME_KEY);
		assertThat(unknown.status()).isEqualTo(200);
		assertThat(JSON.readTree(unknown.body()).path("error").path("code").asInt()).isEqualTo(-32601);
		assertThat(JSON.readTree(unknown.body()).path("id").asInt()).isEqualTo(7);
		assertThat(post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}", GatewayApp.ACME_KEY).status())
			.isEqualTo(202);
		int get = app.client(GatewayApp.ACME_KEY)
			.get()
			.uri("/mcp")
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(WAIT);
		assertThat(get).isEqualTo(405);
	}

	private static McpAsyncClient client(String key) {
		WebClient.Builder web = WebClient.builder()
			.baseUrl(app.baseUrl())
			.defaultHeader("Authorization", "Bearer " + key);
		return McpClient.async(WebClientStreamableHttpTransport.builder(web).endpoint("/mcp").build())
			.requestTimeout(WAIT)
			.initializationTimeout(WAIT)
			.build();
	}

	private static Reply post(String body, String key) {
		WebClient client = (key != null) ? app.client(key) : app.anonymousClient();
		return client.post()
			.uri("/mcp")
			.contentType(MediaType.APPLICATION_JSON)
			.header("Accept", "application/json, text/event-stream")
			.bodyValue(body)
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map((text) -> new Reply(response.statusCode().value(), text)))
			.block(WAIT);
	}

	private record Reply(int status, String body) {
	}

}
