package io.toolgate.dispatcher.metrics;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptedUpstream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Model calls carry the trace context to the upstream as W3C {@code traceparent}: the
 * caller's trace when it sent one, sampled or not, and a new one otherwise (whose flags
 * may carry W3C level 2's random-id bit).
 */
@Timeout(60)
class TracePropagationIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String BODY = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

	private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";

	private static ScriptedUpstream upstream;

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start((request, index) -> ChatScripts.text("Hello", "."));
		app = GatewayApp.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl()));
	}

	@AfterAll
	static void stop() {
		app.close();
		upstream.close();
	}

	@Test
	void sendsTheCallersTraceUpstream() {
		for (String flags : new String[] { "01", "00" }) {
			int before = upstream.traceparents().size();
			complete("00-" + TRACE_ID + "-00f067aa0ba902b7-" + flags);
			String sent = upstream.traceparents().get(before);
			assertThat(sent).as("traceparent sent upstream for flags %s", flags)
				.matches("00-" + TRACE_ID + "-[0-9a-f]{16}-" + flags);
		}
	}

	@Test
	void startsATraceForACallerWithoutOne() {
		int before = upstream.traceparents().size();
		complete(null);
		assertThat(upstream.traceparents().get(before)).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}")
			.doesNotContain(TRACE_ID);
	}

	private static void complete(String traceparent) {
		Integer status = app.client(GatewayApp.ACME_KEY).post().uri("/v1/chat/completions").headers(headers -> {
			if (traceparent != null) {
				headers.set("traceparent", traceparent);
			}
		})
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(BODY)
			.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(WAIT);
		assertThat(status).isEqualTo(200);
	}

}
