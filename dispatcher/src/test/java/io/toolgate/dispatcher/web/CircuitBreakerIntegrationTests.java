package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A tool's circuit breaker over real HTTP: a worker that fails every call (its first 4)
 * is cut off once the breaker's window is full of failures, sees no request while the
 * breaker is open, gets one half-open trial after the wait and, once that succeeds, all
 * calls again. Its own class and gateway, as the breaker's state is the gateway's.
 */
@Timeout(60)
class CircuitBreakerIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String INVOCATION = "{\"arguments\": {}}";

	private static ToolWorker worker;

	private static GatewayApp app;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		worker = ToolWorker.start(1);
		String registry = """
				tools:
				  - name: flaky
				    description: Fails its first four calls with 503, then echoes
				    input-schema: { type: object }
				    executor: { type: http, url: '%s' }
				    timeout: 2s
				    retry: { max-attempts: 1 }
				    circuit-breaker: { sliding-window-size: 4, minimum-calls: 4, wait-in-open: 300ms, half-open-calls: 1 }
				"""
			.formatted(worker.uri("/flaky?failures=4"));
		app = GatewayApp.start(Map.of("toolgate.tools.registry", TestRegistry.write(registry).toString()));
		acme = app.client(GatewayApp.ACME_KEY);
	}

	@AfterAll
	static void stop() {
		app.close();
		worker.close();
	}

	@Test
	void cutsOffAFailingWorkerAndRecoversThroughHalfOpen() {
		assertThat(scrape())
			.contains("toolgate_tool_circuit_state{application=\"toolgate\",state=\"closed\",tool=\"flaky\"} 1.0");
		for (int i = 0; i < 4; i++) {
			invoke().assertError(502, "upstream_error", "tool_worker_error");
		}
		assertThat(worker.requests()).isEqualTo(4);
		for (int i = 0; i < 5; i++) {
			ErrorReply open = invoke().assertError(503, "overloaded_error", "tool_circuit_open");
			assertThat(open.message()).matches("Tool 'flaky' is failing: its circuit is open; retry in [0-9]+s");
			assertThat(open.headers().getFirst(HttpHeaders.RETRY_AFTER)).isNotNull();
		}
		assertThat(worker.requests()).as("the worker sees no request while the breaker is open").isEqualTo(4);
		assertThat(scrape())
			.contains("toolgate_tool_circuit_state{application=\"toolgate\",state=\"open\",tool=\"flaky\"} 1.0")
			.contains(
					"toolgate_tool_circuit_transitions_total{application=\"toolgate\",from=\"closed\",to=\"open\",tool=\"flaky\"} 1.0");

		// Refused at once until the wait ends; the first call after it is the trial,
		// which the worker, past its failures, answers.
		await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> invoke().status() == 200);
		assertThat(worker.requests()).as("one half-open trial").isEqualTo(5);
		assertThat(invoke().status()).isEqualTo(200);
		assertThat(worker.requests()).isEqualTo(6);
		assertThat(scrape())
			.contains("toolgate_tool_circuit_state{application=\"toolgate\",state=\"closed\",tool=\"flaky\"} 1.0")
			.contains(
					"toolgate_tool_circuit_transitions_total{application=\"toolgate\",from=\"open\",to=\"half_open\",tool=\"flaky\"} 1.0")
			.contains(
					"toolgate_tool_circuit_transitions_total{application=\"toolgate\",from=\"half_open\",to=\"closed\",tool=\"flaky\"} 1.0");
	}

	private static ErrorReply invoke() {
		return ErrorReply.of(acme.post()
			.uri("/v1/tools/{name}/invocations", "flaky")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(INVOCATION));
	}

	private static String scrape() {
		return app.managementClient().get().uri("/actuator/prometheus").retrieve().bodyToMono(String.class).block(WAIT);
	}

}
