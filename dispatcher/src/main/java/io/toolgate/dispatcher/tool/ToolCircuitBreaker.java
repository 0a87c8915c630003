package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.reactor.circuitbreaker.operator.CircuitBreakerOperator;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The circuit breaker of one tool on this replica: a Resilience4j {@link CircuitBreaker}
 * over the tool's attempts, configured by its {@link ToolCircuitBreakerPolicy}.
 * <p>
 * Only failures that say the worker is unhealthy count: retryable {@code worker_error}
 * and {@code timeout} failures. A {@code tool_error} is the worker answering, so it
 * counts as a success; calls that never reach an attempt (unknown tool, invalid
 * arguments, rate limits, a full bulkhead) are not seen at all. While the breaker is open
 * an attempt fails at once with a retryable {@code circuit_open}
 * {@link ToolExecutionException} naming the remaining wait.
 * <p>
 * State is per replica: each replica's breaker sees only its own attempts. The breaker
 * moves from open to half-open on the first call after the wait, not on a timer.
 */
public final class ToolCircuitBreaker {

	/**
	 * The state names of {@link #state()}: {@code closed}, {@code open},
	 * {@code half_open}.
	 */
	public static final List<String> STATES = List.of("closed", "open", "half_open");

	private static final Predicate<Throwable> NOT_PERMITTED = CallNotPermittedException.class::isInstance;

	private final String name;

	private final @Nullable CircuitBreaker breaker;

	private final @Nullable CircuitBreakerOperator<JsonNode> operator;

	private final Function<Throwable, Throwable> toCircuitOpen = (ex) -> circuitOpen();

	private final long waitInOpenNanos;

	private volatile long openedAtNanos;

	private ToolCircuitBreaker(String name, ToolCircuitBreakerPolicy policy) {
		this.name = name;
		this.waitInOpenNanos = policy.waitInOpen().toNanos();
		if (!policy.enabled()) {
			this.breaker = null;
			this.operator = null;
			return;
		}
		CircuitBreaker breaker = CircuitBreaker.of(name, config(policy));
		breaker.getEventPublisher().onStateTransition((event) -> {
			if (event.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
				this.openedAtNanos = System.nanoTime();
			}
		});
		this.breaker = breaker;
		this.operator = CircuitBreakerOperator.of(breaker);
	}

	/**
	 * Creates the breaker of a tool.
	 * @param name the tool name
	 * @param policy when it opens and how it recovers
	 * @return the breaker; one that lets every call through if the policy is disabled
	 */
	public static ToolCircuitBreaker of(String name, ToolCircuitBreakerPolicy policy) {
		return new ToolCircuitBreaker(name, policy);
	}

	private static CircuitBreakerConfig config(ToolCircuitBreakerPolicy policy) {
		return CircuitBreakerConfig.custom()
			.slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
			.slidingWindowSize(policy.slidingWindowSize())
			.minimumNumberOfCalls(policy.minimumCalls())
			.failureRateThreshold(policy.failureRateThreshold())
			.slowCallRateThreshold(policy.slowCallRateThreshold())
			.slowCallDurationThreshold(policy.slowCallDuration())
			.waitDurationInOpenState(policy.waitInOpen())
			.permittedNumberOfCallsInHalfOpenState(policy.halfOpenCalls())
			.recordException(ToolCircuitBreaker::isUnhealthy)
			.writableStackTraceEnabled(false)
			.build();
	}

	/**
	 * Whether a failed attempt says the worker is unhealthy. Anything else an attempt
	 * emits is counted as a success, since the worker answered.
	 */
	static boolean isUnhealthy(Throwable ex) {
		return ex instanceof ToolExecutionException failure && failure.isRetryable()
				&& (ToolExecutionException.WORKER_ERROR.equals(failure.errorType())
						|| ToolExecutionException.TIMEOUT.equals(failure.errorType()));
	}

	/** Whether this tool has a breaker; a disabled one lets every call through. */
	public boolean enabled() {
		return this.breaker != null;
	}

	/**
	 * Runs an attempt through the breaker. Call it when the attempt is assembled, once
	 * per attempt: the breaker asks for a permission when the result is subscribed.
	 * @param attempt the attempt, whose failures are already
	 * {@link ToolExecutionException}s
	 * @return the attempt; emits a {@code circuit_open} {@link ToolExecutionException}
	 * without subscribing to it while the breaker is open
	 */
	Mono<JsonNode> protect(Mono<JsonNode> attempt) {
		if (this.operator == null) {
			return attempt;
		}
		return attempt.transform(this.operator).onErrorMap(NOT_PERMITTED, this.toCircuitOpen);
	}

	/** The state now: one of {@link #STATES}; {@code closed} when disabled. */
	public String state() {
		if (this.breaker == null) {
			return "closed";
		}
		return stateName(this.breaker.getState());
	}

	/**
	 * Reports every state change, on the thread of the call that caused it.
	 * @param listener gets the state before and after, as {@link #STATES} names
	 */
	public void onTransition(BiConsumer<String, String> listener) {
		if (this.breaker != null) {
			this.breaker.getEventPublisher()
				.onStateTransition((event) -> listener.accept(stateName(event.getStateTransition().getFromState()),
						stateName(event.getStateTransition().getToState())));
		}
	}

	/** The time until an open breaker lets a trial call through, never negative. */
	Duration remainingWait() {
		long remaining = this.waitInOpenNanos - (System.nanoTime() - this.openedAtNanos);
		return Duration.ofNanos(Math.max(remaining, 0));
	}

	private ToolExecutionException circuitOpen() {
		// Whole seconds, rounded up, at least 1: the model reads it as when to try again.
		long seconds = Math.max(1,
				(remainingWait().toNanos() + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1));
		return new ToolExecutionException(ToolExecutionException.CIRCUIT_OPEN,
				"Tool '" + this.name + "' is failing: its circuit is open; retry in " + seconds + "s", true);
	}

	private static String stateName(CircuitBreaker.State state) {
		return switch (state) {
			case OPEN, FORCED_OPEN -> "open";
			case HALF_OPEN -> "half_open";
			default -> "closed";
		};
	}

}
