package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.Closeables;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With Redis, and so the audit log, stopped: a high-risk tool is not run (its worker sees
 * no request) and the invocation gets 503 {@code audit_unavailable}, while a low-risk
 * tool runs and the lost record is counted. Its own class and gateway, as it stops the
 * gateway's Redis.
 */
@Timeout(90)
class AuditFailClosedIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static RedisServerProcess redis;

	private static ToolWorker worker;

	private static GatewayApp app;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		worker = ToolWorker.start(1);
		String registry = """
				defaults: { retry: { max-attempts: 1 } }
				tools:
				  - name: echo
				    description: Echoes its arguments
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
				""".formatted(worker.uri("/echo"), worker.uri("/echo"));
		app = GatewayApp.start(Map.of("toolgate.store.redis-url", redis.uri(), "toolgate.tools.registry",
				TestRegistry.write(registry).toString(), "toolgate.store.redis-command-timeout", "500ms",
				"toolgate.audit.timeout", "1s"));
		acme = app.client(GatewayApp.ACME_KEY);
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, worker, redis);
	}

	@Test
	void highRiskCallsDoNotRunUnrecordedOthersRunAndTheLossIsCounted() {
		assertThat(invoke("wire").status()).as("recorded while Redis runs").isEqualTo(200);
		assertThat(worker.requests()).isEqualTo(1);

		redis.stop();

		ErrorReply refused = invoke("wire").assertError(503, "unavailable_error", "audit_unavailable");
		assertThat(refused.message()).isEqualTo(
				"Tool 'wire' was not run: it does not run unrecorded and the audit trail cannot be written right now; retry shortly");
		assertThat(refused.headers().getFirst("Retry-After")).isNotNull();
		assertThat(worker.requests()).as("the high-risk tool did not run").isEqualTo(1);

		ErrorReply echoed = invoke("echo");
		assertThat(echoed.status()).as(echoed.raw()).isEqualTo(200);
		assertThat(echoed.json().path("output").path("echo").path("text").asString()).isEqualTo("hi");
		assertThat(worker.requests()).as("the low-risk tool ran").isEqualTo(2);

		ErrorReply audit = ErrorReply.of(acme.get().uri("/v1/audit"));
		assertThat(audit.status()).as(audit.raw()).isEqualTo(503);
		assertThat(scrape())
			.contains(
					"toolgate_audit_writes_total{application=\"toolgate\",kind=\"tool_execution\",outcome=\"ok\"} 2.0")
			.containsPattern(
					"toolgate_audit_writes_total\\{application=\"toolgate\",kind=\"tool_execution\",outcome=\"failed\"} [3-9]\\.0");
	}

	private static ErrorReply invoke(String tool) {
		return ErrorReply.of(acme.post()
			.uri("/v1/tools/{name}/invocations", tool)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"arguments\":{\"text\":\"hi\"}}"));
	}

	private static String scrape() {
		return app.managementClient().get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class).block(WAIT);
	}

}
