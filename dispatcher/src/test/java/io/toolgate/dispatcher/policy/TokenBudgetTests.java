package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.ModelEvent;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link TokenBudget}: model tokens per tenant, reserved before a model call and
 * reconciled after it, also as an operator around the call.
 */
class TokenBudgetTests extends AbstractRateLimitTests {

	private final TokenBudget budget = new TokenBudget(this.local, this.plans, new TokenEstimator(4, 100), this.meters);

	@Test
	void reservesEstimatedTokensAndRejectsBeyondTheBudget() {
		TokenReservation reservation = this.budget.reserve("acme", 600).block(TIMEOUT);
		assertThat(reservation).isEqualTo(new TokenReservation("acme", 600, LimitSpec.perMinute("tokens", 1_000)));
		assertThatExceptionOfType(ToolgateException.class)
			.isThrownBy(() -> this.budget.reserve("acme", 500).block(TIMEOUT))
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
		TokenReservation reservation = this.budget.reserve("acme", 900).block(TIMEOUT);
		this.budget.reconcile(reservation, 100).block(TIMEOUT);
		assertThat(this.budget.reserve("acme", 900).block(TIMEOUT).tokens()).isEqualTo(900);
	}

	@Test
	void reconcileChargesExcessUsageAsDebt() {
		TokenReservation reservation = this.budget.reserve("acme", 100).block(TIMEOUT);
		this.budget.reconcile(reservation, 1_500).block(TIMEOUT);
		assertThatExceptionOfType(ToolgateException.class)
			.isThrownBy(() -> this.budget.reserve("acme", 1).block(TIMEOUT))
			.satisfies((ex) -> assertThat(ex.retryAfter()).isGreaterThan(Duration.ofSeconds(30)));
	}

	@Test
	void estimateAboveCapacityReservesTheCapacity() {
		assertThat(this.budget.reserve("acme", 5_000).block(TIMEOUT).tokens()).isEqualTo(1_000);
	}

	@Test
	void unlimitedTokensReserveNothing() {
		TokenBudget unlimited = new TokenBudget(this.local, RateLimitPlans.unlimited(), new TokenEstimator(4, 100),
				this.meters);
		TokenReservation reservation = unlimited.reserve("acme", 5_000).block(TIMEOUT);
		assertThat(reservation).isEqualTo(TokenReservation.none("acme"));
		StepVerifier.create(unlimited.reconcile(reservation, 9_000)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void estimatesPromptCharactersPerTokenPlusCompletionBudget() {
		List<ChatMessage> messages = List.of(ChatMessage.user("x".repeat(384)),
				ChatMessage.assistant(null, List.of(ToolCall.of("c1", "weather", "{\"city\":\"Oslo\"}"))));
		// (16 + 384) + (16 + 16 + 7 + 15) = 454 characters → 113 tokens
		assertThat(this.budget.estimator().estimate(messages, null)).isEqualTo(113 + 100);
		assertThat(this.budget.estimator().estimate(messages, 50)).isEqualTo(113 + 50);
	}

	@Test
	void unreachableBackendFailsReservationsWith503AndReconcileStillCompletes() {
		TokenBudget budget = new TokenBudget(unreachable(), this.plans, new TokenEstimator(4, 100), this.meters);
		assertThatExceptionOfType(ToolgateException.class).isThrownBy(() -> budget.reserve("acme", 10).block(TIMEOUT))
			.satisfies((ex) -> {
				assertThat(ex.errorType()).isEqualTo(ErrorType.UNAVAILABLE);
				assertThat(ex.code()).isEqualTo(PublicErrors.RATE_LIMITER_UNAVAILABLE);
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(1));
			});
		assertThat(decisions("tokens", "unavailable")).isEqualTo(1);
		TokenReservation reservation = new TokenReservation("acme", 10, LimitSpec.perMinute("tokens", 1_000));
		StepVerifier.create(budget.reconcile(reservation, 50)).expectComplete().verify(TIMEOUT);
	}

	@Test
	void operatorReservesBeforeTheCallAndReconcilesWithTheReportedUsage() {
		// 400 characters of prompt = 100 tokens, plus a completion limit of 200
		List<ChatMessage> prompt = List.of(ChatMessage.user("x".repeat(384)));
		AtomicLong remainingAtSubscription = new AtomicLong(-1);
		Flux<ModelEvent> call = Flux.defer(() -> {
			remainingAtSubscription.set(remaining());
			return Flux.just(new ModelEvent.Token("a"), new ModelEvent.Token("b"), completed(150));
		});
		StepVerifier.create(call.transformDeferred(this.budget.limit("acme", prompt, 200)))
			.expectNextCount(3)
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(remainingAtSubscription).hasValue(1_000 - 300);
		assertThat(remaining()).isEqualTo(1_000 - 150);
	}

	@Test
	void operatorReconcilesACancelledCallWithThePromptAndTheTokensStreamedSoFar() {
		List<ChatMessage> prompt = List.of(ChatMessage.user("x".repeat(384)));
		Flux<ModelEvent> endless = Flux.<ModelEvent>just(new ModelEvent.Token("a"), new ModelEvent.Token("b"))
			.concatWith(Flux.never());
		StepVerifier.create(endless.transformDeferred(this.budget.limit("acme", prompt, 200)))
			.expectNextCount(2)
			.thenCancel()
			.verify(TIMEOUT);
		assertThat(remaining()).isEqualTo(1_000 - 102);
	}

	@Test
	void operatorFailsTheCallWithoutSubscribingWhenTheBudgetIsSpent() {
		this.budget.reserve("acme", 1_000).block(TIMEOUT);
		AtomicLong subscriptions = new AtomicLong();
		Flux<ModelEvent> call = Flux.defer(() -> {
			subscriptions.incrementAndGet();
			return Flux.just(completed(10));
		});
		StepVerifier.create(call.transformDeferred(this.budget.limit("acme", List.of(ChatMessage.user("hi")), 10)))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOfSatisfying(ToolgateException.class,
					(refusal) -> assertThat(refusal.code()).isEqualTo("token_rate_limited")))
			.verify(TIMEOUT);
		assertThat(subscriptions).hasValue(0);
	}

	/** The tokens left in acme's bucket: a probe of one token, given back. */
	private long remaining() {
		LimitSpec spec = this.plans.tokens("acme");
		long left = this.local.tryConsume(LimitKey.tenantTokens("acme"), spec, 1).block(TIMEOUT).remaining() + 1;
		this.local.adjust(LimitKey.tenantTokens("acme"), spec, -1).block(TIMEOUT);
		return left;
	}

	private static ModelEvent completed(int totalTokens) {
		return new ModelEvent.Completed(ChatMessage.assistant("ab", List.of()), "stop",
				new Usage(totalTokens - 2, 2, totalTokens), "m");
	}

}
