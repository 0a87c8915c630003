package io.toolgate.dispatcher.tool.mcp;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.modelcontextprotocol.modern.client.McpAsyncClient;
import io.modelcontextprotocol.modern.client.McpClient;
import io.modelcontextprotocol.modern.client.transport.HttpClientMcpTransport;
import io.modelcontextprotocol.modern.client.transport.McpHttpRequestCustomizer;
import io.modelcontextprotocol.modern.McpSchema;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.Closeables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code /mcp} serving both protocol revisions on one endpoint, with raw HTTP requests as
 * each revision writes them and with the SDK's client of the stateless revision: a
 * 2026-07-28 request needs no {@code initialize}, carries its revision and capabilities
 * in {@code _meta} and its method and tool in headers, which must agree with the body
 * (-32020); a 2025-11-25 client initializes and is answered as before.
 */
@Timeout(120)
class McpEndpointRevisionsIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.shared();

	private static final String STATELESS = "2026-07-28";

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
	void aStatelessClientListsAndCallsToolsWithoutInitializing() {
		Reply list = post(statelessBody(1, "tools/list", "{}"), routing("tools/list", null, STATELESS));
		assertThat(list.status()).isEqualTo(200);
		JsonNode listed = list.json().path("result");
		assertThat(listed.path("tools").valueStream().map((tool) -> tool.path("name").asString()).toList())
			.containsExactly("clock", "calculator", "lookup", "weather", "slow_echo", "send_email");
		assertThat(listed.path("resultType").asString()).isEqualTo("complete");
		assertThat(listed.path("ttlMs").asLong()).isZero();
		assertThat(listed.path("cacheScope").asString()).isEqualTo("private");
		assertThat(listed.path("_meta").path("io.modelcontextprotocol/serverInfo").path("name").asString())
			.isEqualTo("toolgate");
		Reply call = post(
				statelessBody(2, "tools/call",
						"{\"name\":\"calculator\",\"arguments\":{\"a\":6,\"b\":7,\"op\":\"multiply\"}}"),
				routing("tools/call", "calculator", STATELESS));
		assertThat(call.status()).isEqualTo(200);
		assertThat(call.json().path("result").path("structuredContent").path("result").asInt()).isEqualTo(42);
		assertThat(call.json().path("result").path("resultType").asString()).isEqualTo("complete");
		// A name in the Base64 form the revision gives names that are not plain ASCII.
		String encoded = "=?base64?" + Base64.getEncoder().encodeToString("calculator".getBytes(StandardCharsets.UTF_8))
				+ "?=";
		Reply encodedCall = post(
				statelessBody(3, "tools/call",
						"{\"name\":\"calculator\",\"arguments\":{\"a\":1,\"b\":1,\"op\":\"add\"}}"),
				routing("tools/call", encoded, STATELESS));
		assertThat(encodedCall.json().path("result").path("structuredContent").path("result").asInt()).isEqualTo(2);
	}

	@Test
	void discoverNamesEveryRevisionServed() {
		Reply discover = post(statelessBody(1, "server/discover", "{}"), routing("server/discover", null, STATELESS));
		assertThat(discover.status()).isEqualTo(200);
		assertThat(discover.json().path("result").path("supportedVersions").valueStream().map(JsonNode::asString))
			.containsExactly(STATELESS, "2025-11-25", "2025-06-18", "2025-03-26");
		assertThat(discover.json().path("result").path("capabilities").has("tools")).isTrue();
	}

	@Test
	void routingHeadersThatDisagreeWithTheBodyAreRefusedWith32020() {
		String call = statelessBody(1, "tools/call",
				"{\"name\":\"calculator\",\"arguments\":{\"a\":1,\"b\":1,\"op\":\"add\"}}");
		assertMismatch(post(call, routing("tools/list", "calculator", STATELESS)), "Mcp-Method header does not match");
		assertMismatch(post(call, routing("tools/call", "clock", STATELESS)), "Mcp-Name header does not match");
		assertMismatch(post(call, routing("tools/call", null, STATELESS)), "Missing required header: Mcp-Name");
		assertMismatch(post(call, routing(null, "calculator", STATELESS)), "Missing required header: Mcp-Method");
		assertMismatch(post(call, routing("tools/call", "calculator", "2025-11-25")),
				"MCP-Protocol-Version header does not match");
		assertMismatch(post(call, routing("tools/call", "=?base64?***?=", STATELESS)), "malformed Base64");
		// A client of the earlier revision sends no such headers; one that does is held
		// to them too.
		Reply sessionful = post(
				"{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":\"calculator\",\"arguments\":{}}}",
				routing("tools/list", null, "2025-11-25"));
		assertMismatch(sessionful, "Mcp-Method header does not match");
	}

	@Test
	void aStatelessRequestWithoutItsMetaOrOfAnUnservedRevisionIsRefused() {
		Reply unsupported = post(
				"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
						+ "\"io.modelcontextprotocol/protocolVersion\":\"2030-01-01\","
						+ "\"io.modelcontextprotocol/clientCapabilities\":{}}}}",
				routing("tools/list", null, "2030-01-01"));
		assertThat(unsupported.status()).isEqualTo(400);
		assertThat(unsupported.json().path("error").path("code").asInt()).isEqualTo(-32022);
		assertThat(unsupported.json().path("error").path("data").path("requested").asString()).isEqualTo("2030-01-01");
		assertThat(
				unsupported.json().path("error").path("data").path("supported").valueStream().map(JsonNode::asString))
			.contains(STATELESS, "2025-11-25");
		Reply noCapabilities = post(
				"{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"_meta\":{"
						+ "\"io.modelcontextprotocol/protocolVersion\":\"2026-07-28\"}}}",
				routing("tools/list", null, STATELESS));
		assertThat(noCapabilities.status()).isEqualTo(400);
		assertThat(noCapabilities.json().path("error").path("code").asInt()).isEqualTo(-32602);
		assertThat(noCapabilities.json().path("error").path("message").asString()).contains("clientCapabilities");
		Reply noMeta = post("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/list\",\"params\":{}}",
				routing("tools/list", null, STATELESS));
		assertThat(noMeta.status()).isEqualTo(400);
		assertThat(noMeta.json().path("error").path("message").asString()).isEqualTo("params._meta is required");
		Reply unknownMethod = post(statelessBody(4, "resources/list", "{}"),
				routing("resources/list", null, STATELESS));
		assertThat(unknownMethod.status()).isEqualTo(404);
		assertThat(unknownMethod.json().path("error").path("code").asInt()).isEqualTo(-32601);
		Reply unknownTool = post(statelessBody(5, "tools/call", "{\"name\":\"teleport\",\"arguments\":{}}"),
				routing("tools/call", "teleport", STATELESS));
		assertThat(unknownTool.status()).isEqualTo(400);
		assertThat(unknownTool.json().path("error").path("code").asInt()).isEqualTo(-32602);
	}

	@Test
	void aSessionfulClientInitializesAndGetsTheRevisionItAskedForOrTheLatestSessionfulOne() {
		assertThat(initialize("2025-11-25")).isEqualTo("2025-11-25");
		assertThat(initialize("2025-06-18")).isEqualTo("2025-06-18");
		// The stateless revision has no initialize; an unknown one gets the latest.
		assertThat(initialize(STATELESS)).isEqualTo("2025-11-25");
		assertThat(initialize("1999-01-01")).isEqualTo("2025-11-25");
		Reply list = post("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}",
				routing(null, null, "2025-11-25"));
		assertThat(list.status()).isEqualTo(200);
		assertThat(list.json().path("result").path("tools").size()).isEqualTo(6);
		assertThat(list.json().path("result").has("resultType")).isFalse();
	}

	@Test
	void theSdkClientOfTheStatelessRevisionListsAndCallsTools() {
		McpAsyncClient client = McpClient
			.async(HttpClientMcpTransport.builder(app.baseUrl() + "/mcp")
				.requestCustomizer(McpHttpRequestCustomizer.fromSync(
						(request, headers, context) -> headers.set("Authorization", "Bearer " + GatewayApp.ACME_KEY)))
				.build())
			.callTimeout(WAIT)
			.build();
		McpSchema.DiscoverResult discovered = client.discover().block(WAIT);
		assertThat(discovered.supportedVersions()).contains(STATELESS);
		List<String> names = client.listTools().list().block(WAIT).tools().stream().map(McpSchema.Tool::name).toList();
		assertThat(names).containsExactly("clock", "calculator", "lookup", "weather", "slow_echo", "send_email");
		McpSchema.CallToolResult product = client.tool("calculator")
			.arguments(Map.of("a", 6, "b", 7, "op", "multiply"))
			.call()
			.block(WAIT);
		assertThat(product.isError()).isFalse();
		assertThat(JSON.valueToTree(product.structuredContent()).path("result").asInt()).isEqualTo(42);
		// The client calls by name only tools the server listed.
		assertThatThrownBy(() -> client.tool("teleport").arguments(Map.of()).call().block(WAIT))
			.hasMessageContaining("Tool 'teleport' isn't listed by the server");
	}

	private static String initialize(String revision) {
		Reply reply = post(
				"{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"" + revision
						+ "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"raw\",\"version\":\"1\"}}}",
				new HttpHeaders());
		assertThat(reply.status()).isEqualTo(200);
		return reply.json().path("result").path("protocolVersion").asString();
	}

	private static void assertMismatch(Reply reply, String message) {
		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.json().path("error").path("code").asInt()).isEqualTo(-32020);
		assertThat(reply.json().path("error").path("message").asString()).contains(message);
	}

	private static String statelessBody(int id, String method, String params) {
		JsonNode node = JSON.readTree(params);
		((tools.jackson.databind.node.ObjectNode) node).putObject("_meta")
			.put("io.modelcontextprotocol/protocolVersion", STATELESS)
			.set("io.modelcontextprotocol/clientCapabilities", JSON.createObjectNode());
		return "{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + node + "}";
	}

	private static HttpHeaders routing(String method, String name, String revision) {
		HttpHeaders headers = new HttpHeaders();
		if (method != null) {
			headers.set("Mcp-Method", method);
		}
		if (name != null) {
			headers.set("Mcp-Name", name);
		}
		headers.set("MCP-Protocol-Version", revision);
		return headers;
	}

	private static Reply post(String body, HttpHeaders headers) {
		return app.client(GatewayApp.ACME_KEY)
			.post()
			.uri("/mcp")
			.contentType(MediaType.APPLICATION_JSON)
			.header("Accept", "application/json, text/event-stream")
			.headers((all) -> all.addAll(headers))
			.bodyValue(body)
			.exchangeToMono((response) -> response.bodyToMono(String.class)
				.defaultIfEmpty("{}")
				.map((text) -> new Reply(response.statusCode().value(), JSON.readTree(text))))
			.block(WAIT);
	}

	private record Reply(int status, JsonNode json) {
	}

}
