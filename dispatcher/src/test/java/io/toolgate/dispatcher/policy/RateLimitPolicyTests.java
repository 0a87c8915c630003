package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.github.bucket4j.TimeMeter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.bucket4j.LocalBucket4jRateLimiter;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import reactor.test.scheduler.VirtualTimeScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class RateLimitPolicyTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	private final LocalBucket4jRateLimiter local = new LocalBucket4jRateLimiter(1_000, new VirtualTimeMeter(this.time));

	private final RateLimitPlans plans = new RateLimitPlans(
			Map.of("small", new RatePlan(3, 1_000, Map.of("weather", 1L, "clock", 4L), 2)), Map.of("acme", "small"),
			RateLimitPlans.DEFAULT_PLAN, Map.of("search", 1L));

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final RateLimitPolicy policy = policy(this.local);

	private RateLimitPolicy policy(RateLimiter limiter) {
		return new RateLimitPolicy(limiter, this.plans, Duration.ofMillis(500), new TokenEstimator(4, 100), this.time,
				this.meters);
	}

	@Test
	void admitsRequestsWithRateLimitHeaders() {
		Map<String, String> headers = this.policy.admitRequest("acme").block(TIMEOUT);
		assertThat(headers).containsEntry("RateLimit-Policy", "\"requests\";q=3;w=60")
			.containsEntry("RateLimit", "\"requests\";r=2;t=20");
	}

	@Test
	void rejectsRequestsOverTheLimitWith429RetryAfterAndHeaders() {
		this.policy.admitRequest("acme").repeat(2).blockLast(TIMEOUT);
		assertThatExceptionOfType(ToolgateException.class)
			.isThrownBy(() -> this.policy.admitRequest("acme").block(TIMEOUT))
			.satisfies((ex) -> {
				assertThat(ex.errorType()).isEqualTo(ErrorType.RATE_LIMITED);
				assertThat(ex.code()).isEqualTo("rate_limited");
				assertThat(ex.getMessage()).contains("3 per minute");
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(20));
				assertThat(ex.headers()).containsEntry("RateLimit", "\"requests\";r=0;t=20")
					.containsEntry("RateLimit-Policy", "\"requests\";q=3;w=60");
			});
		assertThat(decisions("requests", "allowed")).isEqualTo(3);
		assertThat(decisions("requests", "denied")).isEqualTo(1);
	}

	@Test
	void unlimitedTenantGetsNoHeaders() {
		RateLimitPolicy unlimited = new RateLimitPolicy(this.local, RateLimitPlans.unlimited(), Duration.ZERO,
				new TokenEstimator(4, 100), this.time, this.meters);
		assertThat(unlimited.admitRequest("acme").block(TIMEOUT)).isEmpty();
	}

	@Test
	void reservesEstimatedTokensAndRejectsBeyondTheBudget() {
		TokenReservation reservation = this.policy.reserve("acme", 600).block(TIMEOUT);
		assertThat(reservation).isEqualTo(new TokenReservation("acme", 600, LimitSpec.perMinute("tokens", 1_000)));
		assertThatExceptionOfType(ToolgateException.class)
			.isThrownBy(() -> this.policy.reserve("acme", 500).block(TIMEOUT))
			.satisfies((ex) -> {
				assertThat(ex.errorType()).isEqualTo(ErrorType.RATE_LIMITED);
				assertThat(ex.code()).isEqualTo("token_rate_limited");
				assertThat(ex.retryAfter()).isPositive();
				assertThat(ex.headers()).containsEntry("RateLimit-Policy", "\"tokens\";q=1000;w=60")
					.containsEntry("RateLimit", "\"tokens\";r=400;t=6");
			});
	}

	@Test
	void reconcileReturnsUnusedTokens() {
		TokenReservation reservation = this.policy.reserve("acme", 900).block(TIMEOUT);
		this.policy.reconcile(reservation, 100).block(TIMEOUT);
		assertThat(this.policy.reserve("acme", 900).block(TIMEOUT).tokens()).isEqualTo(900);
	}

	@Test
	void reconcileChargesExcessUsageAsDebt() {
		TokenReservation reservation = this.policy.reserve("acme", 100).block(TIMEOUT);
		this.policy.reconcile(reservation, 1_500).block(TIMEOUT);
		assertThatExceptionOfType(ToolgateException.class)
			.isThrownBy(() -> this.policy.reserve("acme", 1).block(TIMEOUT))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isGreaterThan(Duration.ofSeconds(30)));
	}

	@Test
	void estimateAboveCapacityReservesTheCapacity() {
		assertThat(this.policy.reserve("acme", 5_000).block(TIMEOUT).tokens()).isEqualTo(1_000);
	}

	@Test
	void unlimitedTokensReserveNothing() {
		RateLimitPolicy unlimited = new RateLimitPolicy(this.local, RateLimitPlans.unlimited(), Duration.ZERO,
				new TokenEstimator(4, 100), this.time, this.meters);
		TokenReservation reservation = unlimited.reserve("acme", 5_000).block(TIMEOUT);
		assertThat(reservation).isEqualTo(TokenReservation.none("acme"));
		StepVerifier.create(unlimited.reconcile(reservation, 9_000)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void estimatesPromptCharactersPerTokenPlusCompletionBudget() {
		List<ChatMessage> messages = List.of(ChatMessage.user("x".repeat(384)),
				ChatMessage.assistant(null, List.of(ToolCall.of("c1", "weather", "{\"city\":\"Oslo\"}"))));
		// (16 + 384) + (16 + 16 + 7 + 15) = 454 characters → 113 tokens
		assertThat(this.policy.estimateTokens(messages, null)).isEqualTo(113 + 100);
		assertThat(this.policy.estimateTokens(messages, 50)).isEqualTo(113 + 50);
	}

	@Test
	void toolCallWithinItsLimitRunsAtOnce() {
		StepVerifier.withVirtualTime(() -> this.policy.acquireTool("acme", "clock"), () -> this.time, Long.MAX_VALUE)
			.assertNext((decision) -> {
				assertThat(decision.allowed()).isTrue();
				assertThat(decision.waited()).isZero();
			})
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void toolCallWaitsWhenTheBucketRefillsWithinTheBound() {
		exhaust("acme", "clock", 4);
		StepVerifier.withVirtualTime(() -> this.policy.acquireTool("acme", "clock"), () -> this.time, Long.MAX_VALUE)
			.expectSubscription()
			.expectNoEvent(Duration.ofMillis(249))
			.thenAwait(Duration.ofMillis(1))
			.assertNext((decision) -> {
				assertThat(decision.allowed()).isTrue();
				assertThat(decision.waited()).isEqualTo(Duration.ofMillis(250));
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(decisions("tenant_tool", "waited")).isEqualTo(1);
	}

	@Test
	void toolCallIsDeniedWithARetryableResultWhenTheWaitWouldExceedTheBound() {
		exhaust("acme", "weather", 1);
		StepVerifier.withVirtualTime(() -> this.policy.acquireTool("acme", "weather"), () -> this.time, Long.MAX_VALUE)
			.assertNext((decision) -> {
				assertThat(decision.allowed()).isFalse();
				assertThat(decision.errorType()).isEqualTo("rate_limited");
				assertThat(decision.retryable()).isTrue();
				assertThat(decision.retryAfter()).isEqualTo(Duration.ofSeconds(1));
				assertThat(decision.message()).contains("'weather'").contains("per-tenant");
			})
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(decisions("tenant_tool", "denied")).isEqualTo(1);
	}

	@Test
	void fleetWideDenialGivesTheTenantTokenBack() {
		StepVerifier.withVirtualTime(() -> this.policy.acquireTool("acme", "search"), () -> this.time, Long.MAX_VALUE)
			.assertNext((decision) -> assertThat(decision.allowed()).isTrue())
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.withVirtualTime(() -> this.policy.acquireTool("acme", "search"), () -> this.time, Long.MAX_VALUE)
			.assertNext((decision) -> {
				assertThat(decision.allowed()).isFalse();
				assertThat(decision.message()).contains("fleet-wide");
			})
			.expectComplete()
			.verify(TIMEOUT);
		// The plan allows 2 per second per tenant: one was used, the denied call's token
		// came back.
		assertThat(
				this.local.tryConsume(LimitKey.tenantTool("acme", "search"), LimitSpec.perSecond("tenant_tool", 2), 1)
					.block(TIMEOUT)
					.remaining())
			.isZero();
		assertThat(decisions("tool", "denied")).isEqualTo(1);
	}

	@Test
	void toolWithoutLimitsIsAllowedWithoutConsultingTheLimiter() {
		StubRateLimiter stub = new StubRateLimiter(this.local);
		RateLimitPolicy policy = new RateLimitPolicy(stub, RateLimitPlans.unlimited(), Duration.ZERO,
				new TokenEstimator(4, 100), this.time, this.meters);
		assertThat(policy.acquireTool("acme", "weather").block(TIMEOUT).allowed()).isTrue();
		assertThat(stub.calls()).isZero();
	}

	@Test
	void unreachableBackendFailsRequestsAndReservationsWith503() {
		StubRateLimiter stub = new StubRateLimiter(this.local);
		stub.down();
		RateLimitPolicy policy = policy(stub);
		for (Mono<?> call : List.of(policy.admitRequest("acme"), policy.reserve("acme", 10))) {
			assertThatExceptionOfType(ToolgateException.class).isThrownBy(() -> call.block(TIMEOUT)).satisfies((ex) -> {
				assertThat(ex.errorType()).isEqualTo(ErrorType.UNAVAILABLE);
				assertThat(ex.code()).isEqualTo(RateLimitPolicy.UNAVAILABLE_CODE);
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(1));
			});
		}
		assertThat(decisions("requests", "unavailable")).isEqualTo(1);
		assertThat(decisions("tokens", "unavailable")).isEqualTo(1);
	}

	@Test
	void unreachableBackendDeniesToolCallsRetryablyAndReconcileStillCompletes() {
		StubRateLimiter stub = new StubRateLimiter(this.local);
		stub.down();
		RateLimitPolicy policy = policy(stub);
		ToolRateDecision decision = policy.acquireTool("acme", "weather").block(TIMEOUT);
		assertThat(decision.allowed()).isFalse();
		assertThat(decision.retryable()).isTrue();
		assertThat(decision.message()).contains("cannot be checked");
		TokenReservation reservation = new TokenReservation("acme", 10, LimitSpec.perMinute("tokens", 1_000));
		StepVerifier.create(policy.reconcile(reservation, 50)).expectComplete().verify(TIMEOUT);
		assertThat(decisions("tenant_tool", "unavailable")).isEqualTo(1);
	}

	private void exhaust(String tenant, String tool, long tokens) {
		LimitSpec spec = this.plans.tenantTool(tenant, tool);
		assertThat(this.local.tryConsume(LimitKey.tenantTool(tenant, tool), spec, tokens).block(TIMEOUT).allowed())
			.isTrue();
	}

	private double decisions(String limit, String outcome) {
		return this.meters.get("toolgate.ratelimit.decisions")
			.tag("limit", limit)
			.tag("outcome", outcome)
			.counter()
			.count();
	}

	/** Bucket time that follows the virtual scheduler, so refills and waits agree. */
	private record VirtualTimeMeter(VirtualTimeScheduler time) implements TimeMeter {

		@Override
		public long currentTimeNanos() {
			return this.time.now(TimeUnit.NANOSECONDS);
		}

		@Override
		public boolean isWallClockBased() {
			return false;
		}

	}

}
