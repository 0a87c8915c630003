package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.McpTestServers;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.mcp.client.webflux.transport.WebClientStreamableHttpTransport;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tools kept for some tenants ({@code tenants: [acme]}): a declared tool ({@code ledger})
 * and every tool of an MCP server ({@code vault}, the contract server over stdio). For
 * tenant {@code globex} they do not exist: absent from {@code GET /v1/tools}, from
 * {@code /mcp tools/list} and from the tools offered to the model, and a call of one,
 * over REST, over {@code /mcp} or asked for by the model in a turn, answers exactly as a
 * call of a tool that does not exist. Tenant {@code acme} sees and calls them.
 */
@Timeout(180)
class ToolVisibilityIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String CALCULATION = "{\"a\":2,\"b\":3,\"op\":\"add\"}";

	private static ScriptedUpstream upstream;

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start(ToolVisibilityIntegrationTests::script);
		String registry = """
				defaults: { timeout: 10s, retry: { max-attempts: 1 } }
				tools:
				  - name: calculator
				    description: Calculate with two numbers
				    input-schema: { type: object, properties: { a: { type: number }, b: { type: number }, op: { type: string } }, required: [a, b, op] }
				    executor: { type: builtin, name: calculator }
				  - name: ledger
				    description: Calculate on the ledger of acme
				    input-schema: { type: object, properties: { a: { type: number }, b: { type: number }, op: { type: string } }, required: [a, b, op] }
				    executor: { type: builtin, name: calculator }
				    tenants: [acme]
				  - name: vault
				    executor: { type: mcp, command: %s }
				    tenants: [acme]
				"""
			.formatted(McpTestServers.contractStdio().stream().map((word) -> "'" + word + "'").toList());
		app = GatewayApp.start(Map.of("toolgate.tools.registry", TestRegistry.write(registry),
				"toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.tools.client-tool-conflict", "reject"));
		awaitTools(GatewayApp.ACME_KEY, (names) -> names.contains("vault_echo"));
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, upstream);
	}

	/** Calls the tool the user names, then answers quoting its result. */
	private static Flux<String> script(JsonNode request, int index) {
		JsonNode last = ChatScripts.lastMessage(request);
		if ("tool".equals(last.path("role").asString())) {
			return ChatScripts.text("Result: ", String.join(" | ", ChatScripts.toolResults(request)));
		}
		return ChatScripts.toolCalls(new String[] { "call_1", last.path("content").asString(), CALCULATION });
	}

	@Test
	void aSecondTenantDoesNotSeeTheFirstTenantsPrivateTools() {
		assertThat(names(GatewayApp.ACME_KEY)).startsWith("calculator", "ledger").contains("vault_echo", "vault_fail");
		assertThat(names(GatewayApp.GLOBEX_KEY)).containsExactly("calculator");
	}

	@Test
	void aSecondTenantCallingAPrivateToolGetsTheAnswerOfAToolThatDoesNotExist() {
		for (String tool : List.of("ledger", "vault_echo")) {
			Reply refused = invoke(GatewayApp.GLOBEX_KEY, tool);
			Reply missing = invoke(GatewayApp.GLOBEX_KEY, "no_such_tool");
			assertThat(refused.status()).isEqualTo(404).isEqualTo(missing.status());
			assertThat(refused.body().replace(tool, "NAME")).isEqualTo(missing.body().replace("no_such_tool", "NAME"));
		}
		Reply own = invoke(GatewayApp.ACME_KEY, "ledger");
		assertThat(own.status()).isEqualTo(200);
		assertThat(JSON.readTree(own.body()).path("output").path("result").asInt()).isEqualTo(5);
		assertThat(invoke(GatewayApp.ACME_KEY, "vault_echo").status()).isEqualTo(200);
	}

	@Test
	void overMcpASecondTenantNeitherListsNorCallsThem() {
		McpAsyncClient globex = mcpClient(GatewayApp.GLOBEX_KEY);
		McpAsyncClient acme = mcpClient(GatewayApp.ACME_KEY);
		try {
			globex.initialize().block(WAIT);
			acme.initialize().block(WAIT);
			assertThat(globex.listTools().block(WAIT).tools()).extracting(McpSchema.Tool::name)
				.containsExactly("calculator");
			assertThat(acme.listTools().block(WAIT).tools()).extracting(McpSchema.Tool::name)
				.contains("ledger", "vault_echo");
			for (String tool : List.of("ledger", "vault_echo")) {
				McpError refused = mcpError(globex, tool);
				McpError missing = mcpError(globex, "no_such_tool");
				assertThat(refused.getJsonRpcError().code()).isEqualTo(-32602)
					.isEqualTo(missing.getJsonRpcError().code());
				assertThat(refused.getJsonRpcError().message().replace(tool, "NAME"))
					.isEqualTo(missing.getJsonRpcError().message().replace("no_such_tool", "NAME"));
			}
			McpSchema.CallToolResult own = acme.callTool(
					McpSchema.CallToolRequest.builder("ledger").arguments(Map.of("a", 2, "b", 3, "op", "add")).build())
				.block(WAIT);
			assertThat(own.isError()).isFalse();
		}
		finally {
			globex.closeGracefully().onErrorComplete().block(WAIT);
			acme.closeGracefully().onErrorComplete().block(WAIT);
		}
	}

	@Test
	void aTurnOfASecondTenantNeitherOffersThemToTheModelNorRunsThem() {
		int before = upstream.requests().size();
		JsonNode refused = toolResult(GatewayApp.GLOBEX_KEY, "conv-globex-ledger", "ledger");
		JsonNode missing = toolResult(GatewayApp.GLOBEX_KEY, "conv-globex-missing", "no_such_tool");
		List<JsonNode> globexRequests = upstream.requests().subList(before, upstream.requests().size());
		assertThat(globexRequests).isNotEmpty()
			.allSatisfy((request) -> assertThat(offered(request)).containsExactly("calculator"));
		assertThat(refused.path("status").asString()).isEqualTo("error");
		assertThat(refused.path("error").path("type").asString()).isEqualTo("unknown_tool")
			.isEqualTo(missing.path("error").path("type").asString());
		assertThat(refused.path("error").path("message").asString().replace("ledger", "NAME"))
			.isEqualTo(missing.path("error").path("message").asString().replace("no_such_tool", "NAME"));
		int acmeBefore = upstream.requests().size();
		JsonNode own = toolResult(GatewayApp.ACME_KEY, "conv-acme-ledger", "ledger");
		assertThat(own.path("status").asString()).isEqualTo("ok");
		assertThat(offered(upstream.requests().get(acmeBefore))).contains("calculator", "ledger", "vault_echo");
	}

	@Test
	void aChatCompletionOfASecondTenantNeitherOffersNorRunsThemNorRefusesAClientToolOfTheirName() {
		int before = upstream.requests().size();
		JsonNode completion = app.client(GatewayApp.GLOBEX_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("messages", List.of(Map.of("role", "user", "content", "ledger"))))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);
		assertThat(completion.path("choices").get(0).path("message").path("content").asString())
			.contains("unknown_tool");
		assertThat(upstream.requests().subList(before, upstream.requests().size()))
			.allSatisfy((request) -> assertThat(offered(request)).containsExactly("calculator"));
		// With client-tool-conflict reject, a client tool named like a tool of its own
		// is refused; one named like another tenant's private tool is not a conflict.
		assertThat(completionWithClientTool("calculator")).isEqualTo(400);
		assertThat(completionWithClientTool("ledger")).isEqualTo(200);
	}

	private static int completionWithClientTool(String name) {
		return app.client(GatewayApp.GLOBEX_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("messages", List.of(Map.of("role", "user", "content", name)), "tools",
					List.of(Map.of("type", "function", "function",
							Map.of("name", name, "parameters", Map.of("type", "object"))))))
			.exchangeToMono((response) -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(WAIT);
	}

	private static JsonNode toolResult(String key, String conversation, String tool) {
		List<ServerSentEvent<String>> events = SseClient.startTurn(app.client(key), conversation, tool)
			.collectList()
			.block(WAIT);
		assertThat(events).isNotNull();
		return events.stream()
			.filter((event) -> "tool.result".equals(event.event()))
			.map((event) -> JSON.readTree(event.data()))
			.findFirst()
			.orElseThrow();
	}

	private static List<String> offered(JsonNode request) {
		return request.path("tools")
			.valueStream()
			.map((tool) -> tool.path("function").path("name").asString())
			.toList();
	}

	private static McpError mcpError(McpAsyncClient client, String tool) {
		Throwable[] thrown = new Throwable[1];
		assertThatThrownBy(
				() -> client.callTool(McpSchema.CallToolRequest.builder(tool).arguments(Map.of("a", 1)).build())
					.block(WAIT))
			.isInstanceOfSatisfying(McpError.class, (error) -> thrown[0] = error);
		return (McpError) thrown[0];
	}

	private static McpAsyncClient mcpClient(String key) {
		WebClient.Builder web = WebClient.builder()
			.baseUrl(app.baseUrl())
			.defaultHeader("Authorization", "Bearer " + key);
		return McpClient.async(WebClientStreamableHttpTransport.builder(web).endpoint("/mcp").build())
			.requestTimeout(WAIT)
			.initializationTimeout(WAIT)
			.build();
	}

	private static List<String> names(String key) {
		JsonNode list = app.client(key).get().uri("/v1/tools").retrieve().bodyToMono(JsonNode.class).block(WAIT);
		return list.path("data").valueStream().map((tool) -> tool.path("name").asString()).toList();
	}

	private static void awaitTools(String key, Predicate<List<String>> condition) {
		long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
		List<String> names = names(key);
		while (!condition.test(names) && System.nanoTime() < deadline) {
			try {
				Thread.sleep(100);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			names = names(key);
		}
		assertThat(condition).as("tools " + names).accepts(names);
	}

	private static Reply invoke(String key, String tool) {
		return app.client(key)
			.post()
			.uri("/v1/tools/{name}/invocations", tool)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("arguments", Map.of("a", 2, "b", 3, "op", "add")))
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map((body) -> new Reply(response.statusCode().value(), body)))
			.block(WAIT);
	}

	private record Reply(int status, String body) {
	}

}
