package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.auth.ApiKeyResolver;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.store.AuditLog;
import io.toolgate.store.redis.RedisAuditLog;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail over HTTP on a real Redis: direct invocations and the tool calls of a
 * turn are recorded with key id, conversation, turn, call, arguments hash, decision,
 * outcome and replica; a turn's record is readable by the time its {@code tool.result}
 * event arrives; {@code GET /v1/audit} pages with a cursor, filters by tool and time,
 * answers bad parameters with 400 JSON and shows a tenant nothing of another's; a
 * high-risk call gets a start record before it runs; a second replica on the same Redis
 * writes to the same log.
 */
@Timeout(120)
class AuditIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayApp app;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = ScriptedUpstream.start(AuditIntegrationTests::script);
		worker = ToolWorker.start(1);
		String registry = """
				tools:
				  - name: echo
				    description: Echoes its arguments
				    input-schema: { type: object }
				    executor: { type: http, url: '%s' }
				  - name: audited_echo
				    description: Echoes its arguments, filtered on in the tests
				    input-schema: { type: object }
				    executor: { type: http, url: '%s' }
				  - name: wire
				    description: Pretends to move money
				    input-schema: { type: object }
				    executor: { type: http, url: '%s' }
				    risk-tier: high
				    # Invoked directly, where a held call is refused: the audit of a high-risk
				    # call is what these tests check, not its approval.
				    approval: never
				""".formatted(worker.uri("/echo"), worker.uri("/echo"), worker.uri("/echo"));
		app = GatewayApp.start(Map.of("toolgate.store.redis-url", redis.uri(), "toolgate.upstream.base-url",
				upstream.baseUrl(), "toolgate.tools.registry", TestRegistry.write(registry).toString(),
				"toolgate.audit.replica", "replica-a"));
		acme = app.client(GatewayApp.ACME_KEY);
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, worker, upstream, redis);
	}

	private static Flux<String> script(JsonNode request, int index) {
		JsonNode last = ChatScripts.lastMessage(request);
		if ("tool".equals(last.path("role").asString())) {
			return ChatScripts.text("Done.");
		}
		return ChatScripts.toolCalls(new String[] { "call_turn_echo", "echo", "{\"text\":\"from a turn\"}" });
	}

	@Test
	void recordsADirectInvocation() {
		assertThat(app.context().getBean(AuditLog.class)).isInstanceOf(RedisAuditLog.class);
		String arguments = "{\"text\":\"direct\"}";
		JsonNode invocation = invoke("echo", arguments);

		JsonNode record = find(list(acme, "/v1/audit?tool=echo&limit=1000"), invocation.path("id").asString());

		assertThat(record.path("kind").asString()).isEqualTo("tool_execution");
		assertThat(record.path("key_id").asString()).isEqualTo(ApiKeyResolver.keyId(GatewayApp.ACME_KEY))
			.hasSize(12)
			.isNotEqualTo(GatewayApp.ACME_KEY);
		assertThat(record.path("tool").asString()).isEqualTo("echo");
		assertThat(record.path("arguments_hash").asString()).isEqualTo(AuditTrail.hash(arguments));
		assertThat(record.path("arguments").isNull()).as("arguments are not recorded by default").isTrue();
		assertThat(record.path("decision").asString()).isEqualTo("allowed");
		assertThat(record.path("outcome").asString()).isEqualTo("ok");
		assertThat(record.path("conversation_id").isNull()).isTrue();
		assertThat(record.path("replica").asString()).isEqualTo("replica-a");
		assertThat(record.path("duration_ms").asLong()).isNotNegative();
		assertThat(Instant.parse(record.path("time").asString())).isBeforeOrEqualTo(Instant.now());
		assertThat(ErrorReply.of(acme.get().uri("/v1/audit")).raw()).doesNotContain(GatewayApp.ACME_KEY);
	}

	@Test
	void recordsATurnsToolCallBeforeItsEvent() {
		// The stream is cancelled once tool.result arrives, and the log read at once: the
		// record was written before the event was sent.
		List<ServerSentEvent<String>> events = SseClient.startTurn(acme, "audit-turn-1", "use the echo tool")
			.takeUntil(event -> "tool.result".equals(event.event()))
			.collectList()
			.block(WAIT);
		JsonNode record = find(list(acme, "/v1/audit?tool=echo&limit=1000"), "call_turn_echo");

		assertThat(events.get(events.size() - 1).event()).isEqualTo("tool.result");
		assertThat(record.path("conversation_id").asString()).isEqualTo("audit-turn-1");
		assertThat(record.path("turn_id").asString())
			.isEqualTo(JSON.readTree(events.get(0).data()).path("turnId").asString());
		assertThat(record.path("key_id").asString()).isEqualTo(ApiKeyResolver.keyId(GatewayApp.ACME_KEY));
		assertThat(record.path("outcome").asString()).isEqualTo("ok");
	}

	@Test
	void pagesWithACursorAndFiltersByToolAndTime() {
		Instant before = Instant.now().minusMillis(1);
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			ids.add(invoke("audited_echo", "{\"n\":" + i + "}").path("id").asString());
		}
		invoke("echo", "{\"n\":99}");

		List<String> paged = new ArrayList<>();
		List<Integer> sizes = new ArrayList<>();
		String cursor = null;
		do {
			JsonNode page = list(acme, "/v1/audit?tool=audited_echo&limit=2"
					+ ((cursor != null) ? "&cursor=" + cursor : "&since=" + before));
			page.path("data").forEach(record -> paged.add(record.path("call_id").asString()));
			sizes.add(page.path("data").size());
			cursor = page.path("next_cursor").isNull() ? null : page.path("next_cursor").asString();
		}
		while (cursor != null && sizes.size() < 10);

		assertThat(paged).containsExactlyElementsOf(ids);
		assertThat(sizes).containsExactly(2, 2, 1);
		assertThat(list(acme, "/v1/audit?since=" + Instant.now().plusSeconds(3600)).path("data")).isEmpty();
	}

	@Test
	void aRecordWrittenOnOneReplicaIsReadOnAnother() {
		try (GatewayApp other = GatewayApp
			.start(Map.of("toolgate.store.redis-url", redis.uri(), "toolgate.upstream.base-url", upstream.baseUrl(),
					"toolgate.tools.registry", app.context().getEnvironment().getProperty("toolgate.tools.registry"),
					"toolgate.audit.replica", "replica-b"))) {
			String id = other.client(GatewayApp.ACME_KEY)
				.post()
				.uri("/v1/tools/{name}/invocations", "echo")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"arguments\":{\"replica\":\"b\"}}")
				.retrieve()
				.bodyToMono(JsonNode.class)
				.block(WAIT)
				.path("id")
				.asString();

			JsonNode record = find(list(acme, "/v1/audit?tool=echo&limit=1000"), id);

			assertThat(record.path("replica").asString()).isEqualTo("replica-b");
		}
	}

	@Test
	void anotherTenantSeesNothing() {
		invoke("echo", "{\"secret\":true}");
		WebClient globex = app.client(GatewayApp.GLOBEX_KEY);

		JsonNode page = list(globex, "/v1/audit?limit=1000");

		assertThat(page.path("data")).isEmpty();
		assertThat(page.path("next_cursor").isNull()).isTrue();
	}

	@Test
	void aHighRiskCallIsRecordedBeforeItRunsAndWhenItEnds() {
		String id = invoke("wire", "{\"amount\":10}").path("id").asString();

		List<JsonNode> records = new ArrayList<>();
		list(acme, "/v1/audit?tool=wire&limit=1000").path("data").forEach(record -> {
			if (id.equals(record.path("call_id").asString())) {
				records.add(record);
			}
		});

		assertThat(records).extracting(record -> record.path("outcome").asString()).containsExactly("started", "ok");
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = { "limit=0|limit", "limit=1001|limit", "limit=many|limit",
			"since=yesterday|since", "cursor=abc|cursor", "tool=no%20such|tool" })
	void rejectsBadParameters(String query, String field) {
		ErrorReply.of(acme.get().uri("/v1/audit?" + query))
			.assertError(400, "invalid_request_error", "invalid_field")
			.assertNames(field);
	}

	@Test
	void needsAnApiKey() {
		ErrorReply.of(app.anonymousClient().get().uri("/v1/audit"))
			.assertError(401, "authentication_error", "invalid_api_key");
	}

	private static JsonNode invoke(String tool, String arguments) {
		return acme.post()
			.uri("/v1/tools/{name}/invocations", tool)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"arguments\":" + arguments + "}")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);
	}

	private static JsonNode list(WebClient client, String uri) {
		ErrorReply reply = ErrorReply.of(client.get().uri(uri));
		assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
		return reply.json();
	}

	private static JsonNode find(JsonNode page, String callId) {
		for (JsonNode record : page.path("data")) {
			if (callId.equals(record.path("call_id").asString())) {
				return record;
			}
		}
		throw new AssertionError("no audit record of call " + callId + " in " + page);
	}

}
