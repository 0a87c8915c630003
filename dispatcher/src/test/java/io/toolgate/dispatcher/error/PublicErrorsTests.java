package io.toolgate.dispatcher.error;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.policy.RateLimitPlans;
import io.toolgate.dispatcher.policy.RequestRateLimit;
import io.toolgate.dispatcher.policy.TokenBudget;
import io.toolgate.dispatcher.policy.RatePlan;
import io.toolgate.dispatcher.policy.TokenEstimator;
import io.toolgate.dispatcher.policy.ToolRateDecision;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.dispatcher.turn.TurnEngine;
import io.toolgate.dispatcher.web.ErrorResponseWriter;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.RateLimiterUnavailableException;
import io.toolgate.ratelimit.bucket4j.LocalBucket4jRateLimiter;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.ReaderOverflowException;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.TurnConflictException;
import io.toolgate.store.TurnLogFullException;
import io.toolgate.store.TurnNotFoundException;
import io.toolgate.store.VersionConflictException;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.upstream.UpstreamException;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The error table: every store, upstream, tool and policy failure has one status, type
 * and code, and the HTTP error body ({@link ErrorResponseWriter}) and the terminal SSE
 * {@code error} event ({@link TurnEngine#errorEvent}) both say it.
 */
class PublicErrorsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(5);

	static Stream<Arguments> table() {
		List<Arguments> rows = new ArrayList<>();
		// Store
		rows.add(row(new TurnConflictException("Conversation c is running turn t"), 409, "conflict_error",
				"turn_in_progress"));
		rows.add(row(new VersionConflictException("Conversation c is at version 2, not 1"), 409, "conflict_error",
				"version_conflict"));
		rows.add(row(new LeaseLostException("Turn t no longer holds the lease"), 409, "conflict_error", "lease_lost"));
		rows.add(row(new TurnNotFoundException("No event log for turn t"), 404, "not_found_error", "not_found"));
		rows.add(row(new TurnLogFullException("Turn t reached its limit of 10 events"), 500, "api_error",
				"turn_log_full"));
		rows.add(row(new ReaderOverflowException("Reader of turn t fell behind"), 503, "overloaded_error",
				"reader_overflow"));
		rows.add(row(new StoreUnavailableException("Reading a conversation: timed out"), 503, "unavailable_error",
				"store_unavailable"));
		// Upstream
		rows.add(row(upstream(Kind.CLIENT_ERROR, 400), 502, "upstream_error", "upstream_client_error"));
		rows.add(row(upstream(Kind.RATE_LIMITED, 429), 429, "upstream_error", "upstream_rate_limited"));
		rows.add(row(upstream(Kind.SERVER_ERROR, 503), 502, "upstream_error", "upstream_server_error"));
		rows.add(row(upstream(Kind.CONNECT, 0), 502, "upstream_error", "upstream_connect"));
		rows.add(row(upstream(Kind.MALFORMED, 0), 502, "upstream_error", "upstream_malformed"));
		rows.add(row(upstream(Kind.STREAM_CUT, 0), 502, "upstream_error", "upstream_stream_cut"));
		rows.add(row(upstream(Kind.FIRST_TOKEN_TIMEOUT, 0), 504, "upstream_error", "upstream_first_token_timeout"));
		rows.add(row(upstream(Kind.IDLE_TIMEOUT, 0), 504, "upstream_error", "upstream_idle_timeout"));
		// Tool
		rows.add(
				row(tool(ToolExecutionException.INVALID_ARGUMENTS), 422, "invalid_request_error", "invalid_arguments"));
		rows.add(row(tool(ToolExecutionException.TOOL_ERROR), 422, "invalid_request_error", "tool_error"));
		rows.add(row(tool(ToolExecutionException.TIMEOUT), 504, "upstream_error", "tool_timeout"));
		rows.add(row(tool(ToolExecutionException.REJECTED), 503, "overloaded_error", "tool_saturated"));
		rows.add(row(tool(ToolExecutionException.CIRCUIT_OPEN), 503, "overloaded_error", "tool_circuit_open"));
		rows.add(row(tool(ToolExecutionException.OUTPUT_TOO_LARGE), 502, "upstream_error", "tool_output_too_large"));
		rows.add(row(tool(ToolExecutionException.UNKNOWN_TOOL), 404, "not_found_error", "not_found"));
		rows.add(row(tool(ToolExecutionException.WORKER_ERROR), 502, "upstream_error", "tool_worker_error"));
		rows.add(row(tool(ToolRateDecision.ERROR_TYPE), 429, "rate_limit_error", "tool_rate_limited"));
		rows.add(row(tool(ToolExecutionException.AUDIT_UNAVAILABLE), 503, "unavailable_error", "audit_unavailable"));
		// Policy
		rows.add(row(requestLimitDenial(), 429, "rate_limit_error", "rate_limited"));
		rows.add(row(tokenLimitDenial(), 429, "rate_limit_error", "token_rate_limited"));
		rows.add(row(policyWithLimiterDown(), 503, "unavailable_error", "rate_limiter_unavailable"));
		rows.add(row(new RateLimiterUnavailableException("Redis is down", null), 503, "unavailable_error",
				"rate_limiter_unavailable"));
		rows.add(row(saturated(), 503, "overloaded_error", "saturated"));
		// Anything else
		rows.add(row(new IllegalStateException("appended after the terminal event"), 500, "api_error",
				"internal_error"));
		return rows.stream();
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("table")
	void mapsTheSameWayOnBothChannels(String name, Throwable failure, int status, String type, String code) {
		ToolgateException mapped = PublicErrors.of(failure);
		assertThat(mapped.errorType().status()).as("status").isEqualTo(status);
		assertThat(mapped.errorType().type()).as("type").isEqualTo(type);
		assertThat(mapped.code()).as("code").isEqualTo(code);

		MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.post("/v1/anything"));
		new ErrorResponseWriter(JSON).handle(exchange, failure).block(WAIT);
		assertThat(exchange.getResponse().getStatusCode().value()).as("HTTP status").isEqualTo(status);
		JsonNode body = JSON.readTree(exchange.getResponse().getBodyAsString().block(WAIT)).path("error");
		assertThat(body.path("type").asString()).as("HTTP type").isEqualTo(type);
		assertThat(body.path("code").asString()).as("HTTP code").isEqualTo(code);

		TurnEvent.Error event = TurnEngine.errorEvent(failure);
		assertThat(event.errorType()).as("SSE type").isEqualTo(type);
		assertThat(event.code()).as("SSE code").isEqualTo(code);
		assertThat(event.message()).as("SSE message").isEqualTo(body.path("message").asString());
		assertThat(PublicErrors.event(failure)).isEqualTo(event);
	}

	@Test
	void keepsProviderTextAndStoreDetailOutOfMessages() {
		UpstreamException upstream = new UpstreamException(Kind.CLIENT_ERROR, 401,
				"Incorrect API key provided: sk-proj-abc1****wxyz", null);
		assertThat(PublicErrors.of(upstream).getMessage()).isEqualTo("Model upstream rejected the request (HTTP 4xx)");
		assertThat(
				PublicErrors.event(new StoreUnavailableException("Cannot connect to Redis at 10.0.0.7:6379")).message())
			.isEqualTo("Conversation store unavailable; retry shortly");
		assertThat(PublicErrors.event(new NullPointerException("secret detail")).message()).isEqualTo("Internal error");
	}

	@Test
	void findsARequestFailureWrappedByACodec() {
		ToolgateException inner = ToolgateException.invalidField("content", "is required");
		assertThat(PublicErrors.of(new IllegalStateException("decoding failed", inner))).isSameAs(inner);
	}

	private static Arguments row(Throwable failure, int status, String type, String code) {
		return Arguments.of(failure.getClass().getSimpleName() + " " + code, failure, status, type, code);
	}

	private static UpstreamException upstream(Kind kind, int status) {
		return new UpstreamException(kind, status, "provider text with sk-secret-key", null);
	}

	private static ToolExecutionException tool(String type) {
		return new ToolExecutionException(type, "Tool call failed: " + type, false);
	}

	private static final RateLimitPlans TINY = new RateLimitPlans(Map.of("tiny", new RatePlan(1, 10, Map.of(), 0)),
			Map.of("acme", "tiny"), RateLimitPlans.DEFAULT_PLAN, Map.of());

	private static RequestRateLimit requestLimit(RateLimiter limiter) {
		return new RequestRateLimit(limiter, TINY, new SimpleMeterRegistry());
	}

	private static TokenBudget tokenBudget(RateLimiter limiter) {
		return new TokenBudget(limiter, TINY, new TokenEstimator(4, 100), new SimpleMeterRegistry());
	}

	private static Throwable requestLimitDenial() {
		RequestRateLimit limit = requestLimit(new LocalBucket4jRateLimiter());
		limit.admit("acme").block(WAIT);
		return failureOf(() -> limit.admit("acme").block(WAIT));
	}

	private static Throwable tokenLimitDenial() {
		TokenBudget budget = tokenBudget(new LocalBucket4jRateLimiter());
		budget.reserve("acme", 10).block(WAIT);
		return failureOf(() -> budget.reserve("acme", 10).block(WAIT));
	}

	private static Throwable policyWithLimiterDown() {
		RateLimiter down = new RateLimiter() {

			@Override
			public Mono<RateLimitDecision> tryConsume(LimitKey key, LimitSpec spec, long tokens) {
				return Mono.error(new RateLimiterUnavailableException("Redis is down", null));
			}

			@Override
			public Mono<Void> adjust(LimitKey key, LimitSpec spec, long delta) {
				return Mono.error(new RateLimiterUnavailableException("Redis is down", null));
			}

		};
		return failureOf(() -> requestLimit(down).admit("acme").block(WAIT));
	}

	private static Throwable saturated() {
		AdmissionController admission = new AdmissionController(1, Duration.ofSeconds(1));
		admission.admit();
		return failureOf(admission::admit);
	}

	private static Throwable failureOf(Supplier<?> call) {
		Throwable failure = catchThrowable(call::get);
		assertThat(failure).isNotNull();
		return failure;
	}

}
