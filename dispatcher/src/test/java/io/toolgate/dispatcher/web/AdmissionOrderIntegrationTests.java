package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.support.OneSlotGateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admission comes before the tenant's rate limit: while the replica's one turn slot is
 * taken, turn-starting requests get 503 without reaching the rate limiter, so they spend
 * none of the tenant's requests; requests that start no turn still pass and are counted.
 * Its own class: one gateway per JVM class (see {@link SaturationIntegrationTests}).
 */
@Timeout(60)
class AdmissionOrderIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final int REQUESTS_PER_MINUTE = 3;

	private static OneSlotGateway gateway;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		gateway = OneSlotGateway.start(Map.of("toolgate.admission.max-concurrent-turns", 1,
				"toolgate.ratelimit.plans.tight.requests-per-minute", REQUESTS_PER_MINUTE,
				"toolgate.ratelimit.tenants.acme", "tight"));
		acme = gateway.acme();
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@Test
	void refusesWhenSaturatedWithoutSpendingTheTenantsRequests() {
		gateway.holdTheSlotNow(WAIT);
		double decisionsBefore = requestDecisions();
		for (int i = 0; i < 2 * REQUESTS_PER_MINUTE; i++) {
			ErrorReply turn = ErrorReply.of(acme.post()
				.uri("/v1/conversations/{id}/turns", "other-" + i)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"content\": \"hi\"}"));
			turn.assertError(503, "overloaded_error", "saturated");
			assertThat(turn.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
			assertThat(turn.headers().containsHeader("RateLimit")).as("rate limit checked").isFalse();
			ErrorReply chat = ErrorReply.of(acme.post()
				.uri("/v1/chat/completions")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"));
			chat.assertError(503, "overloaded_error", "saturated");
			assertThat(chat.headers().containsHeader("RateLimit")).as("rate limit checked").isFalse();
		}
		assertThat(requestDecisions()).as("rate-limit decisions while saturated").isEqualTo(decisionsBefore);
		// The held turn took one request of three; this one takes the second, and one is
		// left.
		ErrorReply read = ErrorReply.of(acme.get().uri("/v1/conversations/{id}", "held-1"));
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.headers().getFirst("RateLimit")).contains("r=1");
	}

	private static double requestDecisions() {
		MeterRegistry meters = gateway.app().context().getBean(MeterRegistry.class);
		return meters.find("toolgate.ratelimit.decisions")
			.tag("limit", "requests")
			.counters()
			.stream()
			.mapToDouble(Counter::count)
			.sum();
	}

}
