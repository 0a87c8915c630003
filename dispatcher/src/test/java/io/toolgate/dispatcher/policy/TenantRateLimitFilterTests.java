package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.config.FilterOrders;
import io.toolgate.dispatcher.web.ErrorResponseWriter;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.bucket4j.LocalBucket4jRateLimiter;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.test.web.reactive.server.MockServerConfigurer;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebHandler;
import org.springframework.web.server.adapter.WebHttpHandlerBuilder;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class TenantRateLimitFilterTests {

	private static final WebFilter AUTHENTICATED_AS_ACME = (exchange, chain) -> {
		if (exchange.getRequest().getPath().value().startsWith("/v1/")) {
			exchange.getAttributes().put(Tenant.ATTRIBUTE, new Tenant("acme"));
		}
		return chain.filter(exchange);
	};

	private static final MockServerConfigurer WITH_ERROR_WRITER = new MockServerConfigurer() {
		@Override
		public void beforeServerCreated(WebHttpHandlerBuilder builder) {
			builder.exceptionHandler(new ErrorResponseWriter(JsonMapper.builder().build()));
		}
	};

	private static final WebHandler OK = (exchange) -> {
		exchange.getResponse().setStatusCode(HttpStatus.OK);
		return exchange.getResponse().setComplete();
	};

	private final RateLimitPlans plans = new RateLimitPlans(Map.of("tiny", new RatePlan(2, 0, Map.of(), 0)),
			Map.of("acme", "tiny"), RateLimitPlans.DEFAULT_PLAN, Map.of());

	private WebTestClient client(RateLimiter limiter) {
		RequestRateLimit limit = new RequestRateLimit(limiter, this.plans, new SimpleMeterRegistry());
		return WebTestClient.bindToWebHandler(OK)
			.webFilter(AUTHENTICATED_AS_ACME, new TenantRateLimitFilter(limit))
			.apply(WITH_ERROR_WRITER)
			.build();
	}

	@Test
	void allowedResponsesCarryRateLimitHeaders() {
		client(new LocalBucket4jRateLimiter()).get()
			.uri("/v1/models")
			.exchange()
			.expectStatus()
			.isOk()
			.expectHeader()
			.valueEquals("RateLimit-Policy", "\"requests\";q=2;w=60")
			.expectHeader()
			.valueEquals("RateLimit", "\"requests\";r=1;t=30");
	}

	@Test
	void requestOverTheLimitGets429WithRetryAfterHeadersAndJsonError() {
		WebTestClient client = client(new LocalBucket4jRateLimiter());
		client.post().uri("/v1/conversations/c1/turns").exchange().expectStatus().isOk();
		client.get().uri("/v1/tools").exchange().expectStatus().isOk();
		client.post()
			.uri("/v1/chat/completions")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.TOO_MANY_REQUESTS)
			.expectHeader()
			.valueEquals("Retry-After", "30")
			.expectHeader()
			.valueEquals("RateLimit-Policy", "\"requests\";q=2;w=60")
			.expectHeader()
			.valueEquals("RateLimit", "\"requests\";r=0;t=30")
			.expectBody()
			.jsonPath("$.error.type")
			.isEqualTo("rate_limit_error")
			.jsonPath("$.error.code")
			.isEqualTo("rate_limited")
			.jsonPath("$.error.message")
			.value((message) -> assertThat((String) message).contains("2 per minute"));
	}

	@Test
	void pathsOutsideTheApiAreNotCounted() {
		WebTestClient client = client(new LocalBucket4jRateLimiter());
		for (int i = 0; i < 3; i++) {
			client.get()
				.uri("/actuator/health")
				.exchange()
				.expectStatus()
				.isOk()
				.expectHeader()
				.doesNotExist("RateLimit");
		}
		client.get().uri("/v1/models").exchange().expectStatus().isOk();
	}

	@Test
	void failingClosedAnswers503WithAClearError() {
		StubRateLimiter down = new StubRateLimiter(new LocalBucket4jRateLimiter());
		down.down();
		client(down).get()
			.uri("/v1/models")
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.valueEquals("Retry-After", "1")
			.expectBody()
			.jsonPath("$.error.code")
			.isEqualTo("rate_limiter_unavailable")
			.jsonPath("$.error.message")
			.value((message) -> assertThat((String) message).contains("Rate limits cannot be checked"));
	}

	@Test
	void failingOpenKeepsLimitingPerReplica() {
		StubRateLimiter down = new StubRateLimiter(new LocalBucket4jRateLimiter());
		down.down();
		FailoverRateLimiter failover = new FailoverRateLimiter(down, new LocalBucket4jRateLimiter(),
				BackendFailurePolicy.FAIL_OPEN, Duration.ofSeconds(1), new SimpleMeterRegistry(), System::nanoTime);
		WebTestClient client = client(failover);
		client.get().uri("/v1/models").exchange().expectStatus().isOk();
		client.get().uri("/v1/models").exchange().expectStatus().isOk();
		client.get().uri("/v1/models").exchange().expectStatus().isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
	}

	@Test
	void runsAfterAuthentication() {
		assertThat(FilterOrders.TENANT_RATE_LIMIT).isGreaterThan(FilterOrders.AUTHENTICATION);
	}

	@Test
	void runsAfterAdmission() {
		assertThat(FilterOrders.TENANT_RATE_LIMIT).isGreaterThan(FilterOrders.ADMISSION);
		assertThat(FilterOrders.ADMISSION).isGreaterThan(FilterOrders.AUTHENTICATION);
	}

}
