package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.store.AuditLog;
import io.toolgate.store.memory.InMemoryAuditLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit trail on the embedded default (in-memory state, the demo registry) with
 * {@code toolgate.audit.record-arguments=true}: a direct invocation's record carries its
 * arguments, and another tenant sees none of it.
 */
@Timeout(60)
class AuditInMemoryIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		app = GatewayApp.start(Map.of("toolgate.audit.record-arguments", "true"));
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@Test
	void recordsAnInvocationWithItsArguments() {
		assertThat(app.context().getBean(AuditLog.class)).isInstanceOf(InMemoryAuditLog.class);
		WebClient acme = app.client(GatewayApp.ACME_KEY);
		String arguments = "{\"a\":6,\"b\":7,\"op\":\"multiply\"}";
		JsonNode invocation = acme.post()
			.uri("/v1/tools/calculator/invocations")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"arguments\":" + arguments + "}")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);

		JsonNode page = ErrorReply.of(acme.get().uri("/v1/audit?tool=calculator")).json();

		assertThat(page.path("data")).hasSize(1);
		JsonNode record = page.path("data").get(0);
		assertThat(record.path("call_id").asString()).isEqualTo(invocation.path("id").asString());
		assertThat(record.path("arguments").asString()).isEqualTo(arguments);
		assertThat(record.path("outcome").asString()).isEqualTo("ok");
		assertThat(page.path("next_cursor").isNull()).isTrue();
		assertThat(ErrorReply.of(app.client(GatewayApp.GLOBEX_KEY).get().uri("/v1/audit")).json().path("data"))
			.isEmpty();
	}

}
