package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.RateLimiterUnavailableException;
import io.toolgate.streaming.openai.ChatMessage;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The gateway's rate limits, applied at three points:
 * <ul>
 * <li>{@link #admitRequest(String)}: requests per tenant per minute, at the edge (see
 * {@link TenantRateLimitFilter});</li>
 * <li>{@link #reserve(String, long)} before each model call and
 * {@link #reconcile(TokenReservation, long)} after it: model tokens per tenant per
 * minute;</li>
 * <li>{@link #acquireTool(String, String)} before each tool call: calls per second per
 * tenant and tool, and per tool across the fleet; a call waits up to {@code toolWaitMax}
 * for its buckets to refill.</li>
 * </ul>
 * When the limiter reports its backend unavailable (only under
 * {@link BackendFailurePolicy#FAIL_CLOSED}), requests and reservations fail with 503
 * {@code rate_limiter_unavailable} and tool calls are denied with a retryable result.
 * Every decision increments {@code toolgate.ratelimit.decisions} tagged with
 * {@code limit} ({@code requests}, {@code tokens}, {@code tool}, {@code tenant_tool}) and
 * {@code outcome} ({@code allowed}, {@code denied}, {@code waited}: allowed after
 * waiting, {@code unavailable}). All methods are lazy and non-blocking.
 */
public class RateLimitPolicy {

	private static final Logger logger = LoggerFactory.getLogger(RateLimitPolicy.class);

	/**
	 * The error code of a refusal while the rate-limit backend is unreachable and the
	 * policy fails closed.
	 */
	public static final String UNAVAILABLE_CODE = PublicErrors.RATE_LIMITER_UNAVAILABLE;

	private static final Duration MIN_WAIT = Duration.ofMillis(1);

	private final RateLimiter limiter;

	private final RateLimitPlans plans;

	private final Duration toolWaitMax;

	private final TokenEstimator estimator;

	private final Scheduler timer;

	private final RateLimitMetrics metrics;

	/**
	 * Creates the policy.
	 * @param limiter the limiter (typically a {@link FailoverRateLimiter} over Redis, or
	 * local buckets)
	 * @param plans every tenant's limits
	 * @param toolWaitMax how long a tool call may wait for its buckets to refill before
	 * it is denied
	 * @param estimator the model-token estimator
	 * @param timer the scheduler of waits and of the clock that bounds them
	 * @param meters where decisions are counted
	 */
	public RateLimitPolicy(RateLimiter limiter, RateLimitPlans plans, Duration toolWaitMax, TokenEstimator estimator,
			Scheduler timer, MeterRegistry meters) {
		this.limiter = limiter;
		this.plans = plans;
		this.toolWaitMax = toolWaitMax;
		this.estimator = estimator;
		this.timer = timer;
		this.metrics = new RateLimitMetrics(meters);
	}

	/**
	 * Counts one API request of a tenant.
	 * @param tenant the tenant
	 * @return the {@code RateLimit-Policy} and {@code RateLimit} headers to send (empty
	 * if the tenant's requests are not limited); errors with a 429
	 * {@link ToolgateException} ({@link ErrorType#RATE_LIMITED}, code
	 * {@code rate_limited}, with {@code Retry-After} and both headers) when over the
	 * limit, or a 503 one (code {@value #UNAVAILABLE_CODE}) when failing closed
	 */
	public Mono<Map<String, String>> admitRequest(String tenant) {
		LimitSpec spec = this.plans.requests(tenant);
		if (spec == null) {
			return Mono.just(Map.of());
		}
		return consume(RateLimitMetrics.REQUESTS, LimitKey.tenantRequests(tenant), spec, 1).flatMap((decision) -> {
			Map<String, String> headers = RateLimitHeaders.of(spec, decision);
			if (decision.allowed()) {
				return Mono.just(headers);
			}
			return Mono.error(new ToolgateException(ErrorType.RATE_LIMITED, "rate_limited",
					"Request rate limit of " + spec.capacity() + " per minute exceeded; retry in "
							+ RateLimitHeaders.ceilSeconds(decision.retryAfter()) + "s",
					decision.retryAfter(), headers));
		});
	}

	/**
	 * Estimates a model call's tokens, to pass to {@link #reserve(String, long)}.
	 * @param messages the prompt sent to the model
	 * @param maxCompletionTokens the request's completion limit, or {@code null} for the
	 * configured budget
	 * @return the estimate, at least 1
	 */
	public long estimateTokens(List<ChatMessage> messages, @Nullable Integer maxCompletionTokens) {
		return this.estimator.estimate(messages, maxCompletionTokens);
	}

	/**
	 * The estimator behind {@link #estimateTokens}, for anything else that must count
	 * tokens the same way.
	 * @return the estimator
	 */
	public TokenEstimator tokenEstimator() {
		return this.estimator;
	}

	/**
	 * Takes a model call's estimated tokens from the tenant's bucket. An estimate above
	 * the bucket's capacity takes the capacity; {@link #reconcile} charges the rest.
	 * @param tenant the tenant
	 * @param estimatedTokens the estimate, e.g. from {@link #estimateTokens}
	 * @return the reservation; errors with a 429 {@link ToolgateException} (code
	 * {@code token_rate_limited}, with {@code Retry-After} and {@code "tokens"} headers)
	 * when over the limit, or a 503 one (code {@value #UNAVAILABLE_CODE}) when failing
	 * closed
	 */
	public Mono<TokenReservation> reserve(String tenant, long estimatedTokens) {
		LimitSpec spec = this.plans.tokens(tenant);
		if (spec == null || estimatedTokens < 1) {
			return Mono.just(TokenReservation.none(tenant));
		}
		long tokens = Math.min(estimatedTokens, spec.capacity());
		return consume(RateLimitMetrics.TOKENS, LimitKey.tenantTokens(tenant), spec, tokens).flatMap((decision) -> {
			if (decision.allowed()) {
				return Mono.just(new TokenReservation(tenant, tokens, spec));
			}
			return Mono.error(new ToolgateException(ErrorType.RATE_LIMITED, "token_rate_limited",
					"Model token rate limit of " + spec.capacity() + " per minute exceeded; retry in "
							+ RateLimitHeaders.ceilSeconds(decision.retryAfter()) + "s",
					decision.retryAfter(), RateLimitHeaders.of(spec, decision)));
		});
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

	/**
	 * Admits a tool call under the tenant's per-tool limit and the tool's fleet-wide
	 * limit. A call over a limit waits (without blocking) if the bucket refills within
	 * {@code toolWaitMax}; otherwise it is denied.
	 * @param tenant the tenant
	 * @param tool the tool name
	 * @return the decision; never errors
	 */
	public Mono<ToolRateDecision> acquireTool(String tenant, String tool) {
		LimitSpec tenantSpec = this.plans.tenantTool(tenant, tool);
		LimitSpec toolSpec = this.plans.tool(tool);
		if (tenantSpec == null && toolSpec == null) {
			return Mono.just(ToolRateDecision.allowed(Duration.ZERO));
		}
		return Mono.defer(() -> {
			long start = now();
			long deadline = start + this.toolWaitMax.toNanos();
			ToolAcquisition tenantStep = new ToolAcquisition(RateLimitMetrics.TENANT_TOOL,
					LimitKey.tenantTool(tenant, tool), tenantSpec, deadline);
			ToolAcquisition toolStep = new ToolAcquisition(RateLimitMetrics.TOOL, LimitKey.tool(tool), toolSpec,
					deadline);
			return acquire(tenantStep, false)
				.flatMap((first) -> first.allowed() ? acquireFleetWide(tenantStep, toolStep) : Mono.just(first))
				.map((outcome) -> outcome.toDecision(tool, Duration.ofNanos(now() - start)));
		});
	}

	/**
	 * Takes the fleet-wide token; if that fails, gives the tenant's token back, as the
	 * call will not run.
	 */
	private Mono<StepOutcome> acquireFleetWide(ToolAcquisition tenantStep, ToolAcquisition toolStep) {
		return acquire(toolStep, false)
			.flatMap((second) -> second.allowed() ? Mono.just(second) : refund(tenantStep).thenReturn(second));
	}

	private Mono<RateLimitDecision> consume(String limit, LimitKey key, LimitSpec spec, long tokens) {
		return this.limiter.tryConsume(key, spec, tokens)
			.doOnNext((decision) -> this.metrics.count(limit,
					decision.allowed() ? RateLimitMetrics.ALLOWED : RateLimitMetrics.DENIED))
			.onErrorMap(RateLimiterUnavailableException.class, (ex) -> {
				this.metrics.count(limit, RateLimitMetrics.UNAVAILABLE);
				return PublicErrors.of(ex);
			});
	}

	private Mono<StepOutcome> acquire(ToolAcquisition step, boolean waited) {
		if (step.spec() == null) {
			return Mono.just(StepOutcome.ALLOWED);
		}
		return this.limiter.tryConsume(step.key(), step.spec(), 1)
			.flatMap((decision) -> decision.allowed() ? admitted(step, waited) : waitOrDeny(step, decision))
			.onErrorResume(RateLimiterUnavailableException.class, (ex) -> {
				this.metrics.count(step.limit(), RateLimitMetrics.UNAVAILABLE);
				return Mono.just(StepOutcome.UNAVAILABLE);
			});
	}

	private Mono<StepOutcome> admitted(ToolAcquisition step, boolean waited) {
		this.metrics.count(step.limit(), waited ? RateLimitMetrics.WAITED : RateLimitMetrics.ALLOWED);
		return Mono.just(StepOutcome.ALLOWED);
	}

	private Mono<StepOutcome> waitOrDeny(ToolAcquisition step, RateLimitDecision decision) {
		Duration wait = (decision.retryAfter().compareTo(MIN_WAIT) < 0) ? MIN_WAIT : decision.retryAfter();
		if (wait.toNanos() <= step.deadline() - now()) {
			// Another caller may take the refilled token first; then this one waits
			// again, within the same bound.
			return Mono.delay(wait, this.timer).then(Mono.defer(() -> acquire(step, true)));
		}
		this.metrics.count(step.limit(), RateLimitMetrics.DENIED);
		return Mono.just(StepOutcome.denied(step.limit(), decision.retryAfter()));
	}

	private Mono<Void> refund(ToolAcquisition step) {
		if (step.spec() == null) {
			return Mono.empty();
		}
		return this.limiter.adjust(step.key(), step.spec(), -1).onErrorResume((ex) -> Mono.empty());
	}

	private long now() {
		return this.timer.now(TimeUnit.NANOSECONDS);
	}

	private record ToolAcquisition(String limit, LimitKey key, @Nullable LimitSpec spec, long deadline) {
	}

	private record StepOutcome(boolean allowed, boolean unavailable, @Nullable String limit, Duration retryAfter) {

		static final StepOutcome ALLOWED = new StepOutcome(true, false, null, Duration.ZERO);

		static final StepOutcome UNAVAILABLE = new StepOutcome(false, true, null, Duration.ofSeconds(1));

		static StepOutcome denied(String limit, Duration retryAfter) {
			return new StepOutcome(false, false, limit, retryAfter);
		}

		ToolRateDecision toDecision(String tool, Duration waited) {
			if (this.allowed) {
				return ToolRateDecision.allowed(waited);
			}
			if (this.unavailable) {
				return ToolRateDecision.denied(waited, this.retryAfter,
						"Rate limits for tool '" + tool + "' cannot be checked right now; retry shortly");
			}
			String scope = RateLimitMetrics.TOOL.equals(this.limit) ? "fleet-wide" : "per-tenant";
			return ToolRateDecision.denied(waited, this.retryAfter, "Tool '" + tool + "' is over its " + scope
					+ " rate limit; retry in " + RateLimitHeaders.ceilSeconds(this.retryAfter) + "s");
		}

	}

}
