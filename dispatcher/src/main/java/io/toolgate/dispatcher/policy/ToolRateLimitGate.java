package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.tool.ToolCallGate;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.RateLimiterUnavailableException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The tool rate limits as the gate every tool call passes once, before its first attempt:
 * calls per second per tenant and tool, and per tool across the fleet. A call over a
 * limit waits (without blocking) if its bucket refills within {@code waitMax}
 * ({@code toolgate.ratelimit.tool-wait-max}); otherwise it ends with the limit's error
 * result, which the model sees. While the backend is unreachable (failing closed) calls
 * are denied with a retryable result. Every decision increments
 * {@code toolgate.ratelimit.decisions} with {@code limit} {@code tenant_tool} or
 * {@code tool} and outcome {@code allowed}, {@code waited} (allowed after waiting),
 * {@code denied} or {@code unavailable}.
 */
public final class ToolRateLimitGate implements ToolCallGate {

	private static final Duration MIN_WAIT = Duration.ofMillis(1);

	private final RateLimiter limiter;

	private final RateLimitPlans plans;

	private final Duration waitMax;

	private final Scheduler timer;

	private final RateLimitMetrics metrics;

	/**
	 * Creates the gate.
	 * @param limiter the limiter (typically a {@link FailoverRateLimiter} over Redis, or
	 * local buckets)
	 * @param plans every tenant's and tool's limits
	 * @param waitMax how long a call may wait for its buckets to refill before it is
	 * denied
	 * @param timer the scheduler of waits and of the clock that bounds them
	 * @param meters where decisions are counted
	 */
	public ToolRateLimitGate(RateLimiter limiter, RateLimitPlans plans, Duration waitMax, Scheduler timer,
			MeterRegistry meters) {
		this.limiter = limiter;
		this.plans = plans;
		this.waitMax = waitMax;
		this.timer = timer;
		this.metrics = new RateLimitMetrics(meters);
	}

	@Override
	public Mono<ToolExecutionException> admit(String tenant, String tool) {
		return acquire(tenant, tool).filter((decision) -> !decision.allowed())
			.map((decision) -> new ToolExecutionException(decision.errorType(), decision.message(),
					decision.retryable()));
	}

	/**
	 * Admits a tool call under the tenant's per-tool limit and the tool's fleet-wide
	 * limit, waiting for a refill within the bound.
	 * @param tenant the tenant
	 * @param tool the tool name
	 * @return the decision; never errors
	 */
	public Mono<ToolRateDecision> acquire(String tenant, String tool) {
		LimitSpec tenantSpec = this.plans.tenantTool(tenant, tool);
		LimitSpec toolSpec = this.plans.tool(tool);
		if (tenantSpec == null && toolSpec == null) {
			return Mono.just(ToolRateDecision.allowed(Duration.ZERO));
		}
		return Mono.defer(() -> {
			long start = now();
			long deadline = start + this.waitMax.toNanos();
			Step tenantStep = new Step(RateLimitMetrics.TENANT_TOOL, LimitKey.tenantTool(tenant, tool), tenantSpec,
					deadline);
			Step toolStep = new Step(RateLimitMetrics.TOOL, LimitKey.tool(tool), toolSpec, deadline);
			return acquire(tenantStep, false)
				.flatMap((first) -> first.allowed() ? acquireFleetWide(tenantStep, toolStep) : Mono.just(first))
				.map((outcome) -> outcome.toDecision(tool, Duration.ofNanos(now() - start)));
		});
	}

	/**
	 * Takes the fleet-wide token; if that fails, gives the tenant's token back, as the
	 * call will not run.
	 */
	private Mono<StepOutcome> acquireFleetWide(Step tenantStep, Step toolStep) {
		return acquire(toolStep, false)
			.flatMap((second) -> second.allowed() ? Mono.just(second) : refund(tenantStep).thenReturn(second));
	}

	private Mono<StepOutcome> acquire(Step step, boolean waited) {
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

	private Mono<StepOutcome> admitted(Step step, boolean waited) {
		this.metrics.count(step.limit(), waited ? RateLimitMetrics.WAITED : RateLimitMetrics.ALLOWED);
		return Mono.just(StepOutcome.ALLOWED);
	}

	private Mono<StepOutcome> waitOrDeny(Step step, RateLimitDecision decision) {
		Duration wait = (decision.retryAfter().compareTo(MIN_WAIT) < 0) ? MIN_WAIT : decision.retryAfter();
		if (wait.toNanos() <= step.deadline() - now()) {
			// Another caller may take the refilled token first; then this one waits
			// again, within the same bound.
			return Mono.delay(wait, this.timer).then(Mono.defer(() -> acquire(step, true)));
		}
		this.metrics.count(step.limit(), RateLimitMetrics.DENIED);
		return Mono.just(StepOutcome.denied(step.limit(), decision.retryAfter()));
	}

	private Mono<Void> refund(Step step) {
		if (step.spec() == null) {
			return Mono.empty();
		}
		return this.limiter.adjust(step.key(), step.spec(), -1).onErrorResume((ex) -> Mono.empty());
	}

	private long now() {
		return this.timer.now(TimeUnit.NANOSECONDS);
	}

	/** One bucket a call must pass, and the deadline of its wait. */
	private record Step(String limit, LimitKey key, @Nullable LimitSpec spec, long deadline) {
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
