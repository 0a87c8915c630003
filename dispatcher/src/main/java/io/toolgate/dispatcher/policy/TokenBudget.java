package io.toolgate.dispatcher.policy;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.upstream.ModelEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Model tokens per tenant per minute: an estimate is {@link #reserve reserved} before a
 * model call and {@link #reconcile reconciled} with what the call really used, however it
 * ends. {@link #limit} applies both to a model call as an operator: <pre class="code">
 * model.stream(request).transformDeferred(budget.limit(tenant, request.messages(), maxTokens));
 * </pre> Every reservation increments {@code toolgate.ratelimit.decisions} with
 * {@code limit=tokens}.
 */
public final class TokenBudget {

	private static final Logger logger = LoggerFactory.getLogger(TokenBudget.class);

	private final RateLimiter limiter;

	private final RateLimitPlans plans;

	private final TokenEstimator estimator;

	private final RateLimitMetrics metrics;

	/**
	 * Creates the budget.
	 * @param limiter the limiter (typically a {@link FailoverRateLimiter} over Redis, or
	 * local buckets)
	 * @param plans every tenant's limits
	 * @param estimator the model-token estimator
	 * @param meters where decisions are counted
	 */
	public TokenBudget(RateLimiter limiter, RateLimitPlans plans, TokenEstimator estimator, MeterRegistry meters) {
		this.limiter = limiter;
		this.plans = plans;
		this.estimator = estimator;
		this.metrics = new RateLimitMetrics(meters);
	}

	/**
	 * The estimator the budget counts with, for anything else that must count tokens the
	 * same way.
	 * @return the estimator
	 */
	public TokenEstimator estimator() {
		return this.estimator;
	}

	/**
	 * Returns the operator that runs a model call under the tenant's budget: the call's
	 * estimate (the prompt plus its completion limit) is reserved before the call is
	 * subscribed, and reconciled once the call completes, fails or is cancelled, with the
	 * usage the model reported or else the prompt's estimate plus a token per streamed
	 * token. Apply it with {@code transformDeferred}, so each subscription reserves anew.
	 * @param tenant the tenant
	 * @param prompt the messages sent to the model
	 * @param maxCompletionTokens the request's completion limit, or {@code null} for the
	 * configured budget
	 * @return the operator; the call errors with the budget's refusal (see
	 * {@link #reserve})
	 */
	public Function<Flux<ModelEvent>, Flux<ModelEvent>> limit(String tenant, List<ChatMessage> prompt,
			@Nullable Integer maxCompletionTokens) {
		return (call) -> {
			AtomicLong used = new AtomicLong(this.estimator.estimate(prompt, 0));
			return Flux.usingWhen(reserve(tenant, this.estimator.estimate(prompt, maxCompletionTokens)),
					(reservation) -> call.doOnNext((event) -> count(event, used)),
					(reservation) -> reconcile(reservation, used.get()),
					(reservation, error) -> reconcile(reservation, used.get()),
					(reservation) -> reconcile(reservation, used.get()));
		};
	}

	private static void count(ModelEvent event, AtomicLong used) {
		if (event instanceof ModelEvent.Token) {
			used.incrementAndGet();
		}
		else if (event instanceof ModelEvent.Completed done && done.usage().totalTokens() > 0) {
			used.set(done.usage().totalTokens());
		}
	}

	/**
	 * Takes a model call's estimated tokens from the tenant's bucket. An estimate above
	 * the bucket's capacity takes the capacity; {@link #reconcile} charges the rest.
	 * @param tenant the tenant
	 * @param estimatedTokens the estimate
	 * @return the reservation; errors with a 429 {@link ToolgateException} (code
	 * {@code token_rate_limited}, with {@code Retry-After} and {@code "tokens"} headers)
	 * when over the limit, or a 503 one (code
	 * {@value PublicErrors#RATE_LIMITER_UNAVAILABLE}) when the backend is unreachable and
	 * the limiter fails closed
	 */
	public Mono<TokenReservation> reserve(String tenant, long estimatedTokens) {
		LimitSpec spec = this.plans.tokens(tenant);
		if (spec == null || estimatedTokens < 1) {
			return Mono.just(TokenReservation.none(tenant));
		}
		long tokens = Math.min(estimatedTokens, spec.capacity());
		return this.metrics
			.counted(RateLimitMetrics.TOKENS, this.limiter.tryConsume(LimitKey.tenantTokens(tenant), spec, tokens))
			.flatMap((decision) -> decision.allowed() ? Mono.just(new TokenReservation(tenant, tokens, spec))
					: Mono.error(RateLimitHeaders.exceeded("token_rate_limited", "Model token rate", spec, decision)));
	}

	/**
	 * Settles a reservation with the tokens the model call actually used: charges the
	 * excess (the bucket may go into debt, delaying the tenant's next calls) or returns
	 * the unused part. Call it once per reservation, also when the call failed or was
	 * cancelled (with the tokens used so far, or zero).
	 * @param reservation the reservation
	 * @param actualTokens prompt plus completion tokens actually used
	 * @return completes when settled; never errors (a failure is logged and the
	 * difference is not settled)
	 */
	public Mono<Void> reconcile(TokenReservation reservation, long actualTokens) {
		LimitSpec spec = reservation.spec();
		long delta = Math.max(0, actualTokens) - reservation.tokens();
		if (spec == null || delta == 0) {
			return Mono.empty();
		}
		return this.limiter.adjust(LimitKey.tenantTokens(reservation.tenant()), spec, delta).onErrorResume((ex) -> {
			logger.debug("Could not reconcile {} tokens of tenant '{}': {}", delta, reservation.tenant(),
					ex.toString());
			return Mono.empty();
		});
	}

}
