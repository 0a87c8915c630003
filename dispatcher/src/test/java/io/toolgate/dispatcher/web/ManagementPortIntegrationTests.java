package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Actuator lives on the management port only: metrics and health details are served
 * there, and the public API port answers {@code /actuator/**} like any unknown route.
 */
@Timeout(60)
class ManagementPortIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		app = GatewayApp.start(Map.of());
	}

	@AfterAll
	static void stop() {
		if (app != null) {
			app.close();
		}
	}

	@Test
	void servesActuatorOnAManagementPortApartFromTheApiPort() {
		assertThat(app.managementPort()).isPositive().isNotEqualTo(app.port());
	}

	@Test
	void apiPortAnswers404JsonForActuatorPrometheus() {
		ErrorReply.of(app.anonymousClient().get().uri("/actuator/prometheus"))
			.assertError(404, "not_found_error", "not_found");
	}

	@Test
	void apiPortAnswers404JsonForActuatorHealth() {
		ErrorReply.of(app.anonymousClient().get().uri("/actuator/health/readiness"))
			.assertError(404, "not_found_error", "not_found");
	}

	@Test
	void managementPortServesPrometheusMetrics() {
		String scrape = app.managementClient()
			.get()
			.uri("/actuator/prometheus")
			.retrieve()
			.bodyToMono(String.class)
			.block(WAIT);

		assertThat(scrape).contains("# TYPE jvm_memory_used_bytes gauge")
			.contains("application=\"toolgate\"")
			.contains("toolgate_turns_limit");
	}

	@Test
	void managementPortServesHealthWithDetails() {
		JsonNode health = app.managementClient()
			.get()
			.uri("/actuator/health")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);

		assertThat(health.path("status").asString()).isEqualTo("UP");
		assertThat(health.path("components").path("store").path("status").asString()).isEqualTo("UP");
		assertThat(health.path("components").path("store").path("details").path("backend").asString())
			.isEqualTo("memory");
	}

	@Test
	void managementPortServesTheProbes() {
		for (String probe : new String[] { "/actuator/health/liveness", "/actuator/health/readiness" }) {
			JsonNode health = app.managementClient().get().uri(probe).retrieve().bodyToMono(JsonNode.class).block(WAIT);
			assertThat(health.path("status").asString()).as(probe).isEqualTo("UP");
		}
	}

}
