package io.toolgate.dispatcher.policy;

import java.time.Duration;

import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ToolRateLimitGate}: tool calls per tenant and tool and per tool fleet-wide,
 * waiting for a refill within the bound or denied with a retryable result.
 */
class ToolRateLimitGateTests extends AbstractRateLimitTests {

	private final ToolRateLimitGate gate = new ToolRateLimitGate(this.local, this.plans, Duration.ofMillis(500),
			this.time, this.meters);

	@Test
	void toolCallWithinItsLimitRunsAtOnce() {
		StepVerifier.withVirtualTime(() -> this.gate.acquire("acme", "clock"), () -> this.time, Long.MAX_VALUE)
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
		StepVerifier.withVirtualTime(() -> this.gate.acquire("acme", "clock"), () -> this.time, Long.MAX_VALUE)
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
		StepVerifier.withVirtualTime(() -> this.gate.acquire("acme", "weather"), () -> this.time, Long.MAX_VALUE)
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
		StepVerifier.withVirtualTime(() -> this.gate.acquire("acme", "search"), () -> this.time, Long.MAX_VALUE)
			.assertNext((decision) -> assertThat(decision.allowed()).isTrue())
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.withVirtualTime(() -> this.gate.acquire("acme", "search"), () -> this.time, Long.MAX_VALUE)
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
		ToolRateLimitGate gate = new ToolRateLimitGate(stub, RateLimitPlans.unlimited(), Duration.ZERO, this.time,
				this.meters);
		assertThat(gate.acquire("acme", "weather").block(TIMEOUT).allowed()).isTrue();
		assertThat(stub.calls()).isZero();
	}

	@Test
	void unreachableBackendDeniesToolCallsRetryably() {
		ToolRateLimitGate gate = new ToolRateLimitGate(unreachable(), this.plans, Duration.ofMillis(500), this.time,
				this.meters);
		ToolRateDecision decision = gate.acquire("acme", "weather").block(TIMEOUT);
		assertThat(decision.allowed()).isFalse();
		assertThat(decision.retryable()).isTrue();
		assertThat(decision.message()).contains("cannot be checked");
		assertThat(decisions("tenant_tool", "unavailable")).isEqualTo(1);
	}

	@Test
	void gateTurnsADenialIntoARetryableToolErrorAndLetsAnAdmittedCallThrough() {
		exhaust("acme", "weather", 1);
		StepVerifier.withVirtualTime(() -> this.gate.admit("acme", "weather"), () -> this.time, Long.MAX_VALUE)
			.assertNext((refusal) -> {
				assertThat(refusal.errorType()).isEqualTo(ToolRateDecision.ERROR_TYPE);
				assertThat(refusal.isRetryable()).isTrue();
				assertThat(refusal.getMessage()).contains("'weather'");
			})
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.withVirtualTime(() -> this.gate.admit("acme", "clock"), () -> this.time, Long.MAX_VALUE)
			.expectComplete()
			.verify(TIMEOUT);
	}

}
