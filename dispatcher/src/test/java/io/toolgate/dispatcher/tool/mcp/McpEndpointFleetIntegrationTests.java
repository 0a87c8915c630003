package io.toolgate.dispatcher.tool.mcp;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.Closeables;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.ai.mcp.client.webflux.transport.WebClientStreamableHttpTransport;
import org.springframework.core.io.ClassPathResource;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code /mcp} across two replicas on one Redis: an SDK client whose requests alternate
 * between the replicas (initialize on one, list and call on the other) works without
 * sticky sessions, an idempotency key given in {@code _meta} replays the first call's
 * result on the other replica for the same tenant, never for another tenant, and a tool
 * kept for one tenant is neither listed nor called for another on either replica.
 */
@Timeout(180)
class McpEndpointFleetIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static RedisServerProcess redis;

	private static GatewayApp first;

	private static GatewayApp second;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		// The demo tools, and one kept for acme.
		String registry = demoRegistry()
				+ """
						  - name: ledger
						    description: Calculate on the ledger of acme
						    input-schema: { type: object, properties: { a: { type: number }, b: { type: number }, op: { type: string } }, required: [a, b, op] }
						    executor: { type: builtin, name: calculator }
						    tenants: [acme]
						""";
		Map<String, Object> properties = Map.of("toolgate.store.redis-url", redis.uri(), "toolgate.tools.registry",
				TestRegistry.write(registry));
		first = GatewayApp.start(properties);
		second = GatewayApp.start(properties);
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(first, second, redis);
	}

	@Test
	void anyReplicaAnswersAnyRequestAndIdempotencyHoldsAcrossThem() {
		AtomicInteger requests = new AtomicInteger();
		McpAsyncClient acme = alternating(GatewayApp.ACME_KEY, requests);
		McpAsyncClient globex = alternating(GatewayApp.GLOBEX_KEY, new AtomicInteger());
		try {
			acme.initialize().block(WAIT);
			List<String> names = acme.listTools().block(WAIT).tools().stream().map(McpSchema.Tool::name).toList();
			assertThat(names).containsExactly("clock", "calculator", "lookup", "weather", "slow_echo", "send_email",
					"ledger");
			McpSchema.CallToolRequest call = McpSchema.CallToolRequest.builder("clock")
				.arguments(Map.of("timezone", "Asia/Tokyo"))
				.meta(Map.of("io.toolgate/idempotency-key", "fleet-key-1"))
				.build();
			McpSchema.CallToolResult original = acme.callTool(call).block(WAIT);
			McpSchema.CallToolResult repeated = acme.callTool(call).block(WAIT);
			assertThat(original.isError()).isFalse();
			assertThat(original.meta()).containsEntry("io.toolgate/replayed", false);
			assertThat(repeated.meta()).containsEntry("io.toolgate/replayed", true);
			assertThat(repeated.structuredContent()).isEqualTo(original.structuredContent());
			// Requests went to both replicas, one after the other.
			assertThat(requests.get()).isGreaterThanOrEqualTo(5);
			globex.initialize().block(WAIT);
			McpSchema.CallToolResult otherTenant = globex.callTool(call).block(WAIT);
			assertThat(otherTenant.meta()).containsEntry("io.toolgate/replayed", false);
			// The tool kept for acme is no tool of globex's, on either replica.
			for (int i = 0; i < 2; i++) {
				assertThat(globex.listTools().block(WAIT).tools()).extracting(McpSchema.Tool::name)
					.doesNotContain("ledger")
					.contains("calculator");
				assertThatThrownBy(() -> globex
					.callTool(McpSchema.CallToolRequest.builder("ledger")
						.arguments(Map.of("a", 1, "b", 2, "op", "add"))
						.build())
					.block(WAIT)).isInstanceOfSatisfying(McpError.class,
							(error) -> assertThat(error.getJsonRpcError().message()).isEqualTo("Unknown tool: ledger"));
			}
			assertThat(acme.callTool(
					McpSchema.CallToolRequest.builder("ledger").arguments(Map.of("a", 1, "b", 2, "op", "add")).build())
				.block(WAIT)
				.isError()).isFalse();
		}
		finally {
			acme.closeGracefully().onErrorComplete().block(WAIT);
			globex.closeGracefully().onErrorComplete().block(WAIT);
		}
	}

	private static String demoRegistry() {
		try (InputStream in = new ClassPathResource("tools/demo-tools.yaml").getInputStream()) {
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A client whose requests go to the two replicas in turn. */
	private static McpAsyncClient alternating(String key, AtomicInteger requests) {
		List<String> replicas = List.of(first.baseUrl(), second.baseUrl());
		WebClient.Builder web = WebClient.builder()
			.baseUrl(first.baseUrl())
			.defaultHeader("Authorization", "Bearer " + key)
			.filter((request, next) -> {
				URI replica = URI.create(replicas.get(requests.getAndIncrement() % 2));
				URI target = UriComponentsBuilder.fromUri(request.url()).port(replica.getPort()).build(true).toUri();
				return next.exchange(ClientRequest.from(request).url(target).build());
			});
		return McpClient.async(WebClientStreamableHttpTransport.builder(web).endpoint("/mcp").build())
			.requestTimeout(WAIT)
			.initializationTimeout(WAIT)
			.build();
	}

}
