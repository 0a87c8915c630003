package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.streaming.TurnEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;
import tools.jackson.databind.JsonNode;

/**
 * Runs tool calls: finds the tool, checks the arguments against its schema, and executes it inside its bulkhead,
 * each attempt bounded by the tool's timeout, retrying retryable failures with backoff and jitter, the whole call
 * bounded by {@link ToolSpec#callDeadline(Duration)}.
 * <p>
 * Dispatch never fails: every failure becomes a {@link TurnEvent.ToolResult} with status {@code error} and a
 * {@link TurnEvent.ToolError} whose type is one of {@code unknown_tool}, {@code invalid_arguments} (neither runs the
 * tool: attempts 0), {@code timeout}, {@code worker_error}, {@code tool_error}, {@code rejected} or
 * {@code output_too_large}. A {@code rejected} attempt (bulkhead still full after the wait bound) is not retried
 * here: the wait already was the back-off, so it is returned to the caller as retryable.
 * <p>
 * Records {@code toolgate.tool.calls} and {@code gen_ai.client.operation.duration} ({@code execute_tool}) tagged
 * with the tool and the outcome ({@code ok} or the error type), and {@code toolgate.tool.retries}; unknown tool
 * names are tagged {@code unknown} to bound the tag's cardinality. Each call is an {@code execute_tool {tool}}
 * span.
 */
public class ToolDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(ToolDispatcher.class);

	private static final String STATUS_OK = "ok";

	private static final String STATUS_ERROR = "error";

	private final ToolRegistry registry;

	private final Duration bulkheadMaxWait;

	private final ToolgateMetrics metrics;

	private final ToolCallGate gate;

	/**
	 * Creates a dispatcher recording into a meter registry, without spans.
	 * @param registry the tools
	 * @param bulkheadMaxWait how long an attempt waits for a permit of a full bulkhead before it is rejected
	 * @param meters where call timings are recorded
	 */
	public ToolDispatcher(ToolRegistry registry, Duration bulkheadMaxWait, MeterRegistry meters) {
		this(registry, bulkheadMaxWait, new ToolgateMetrics(meters, ObservationRegistry.NOOP, false,
				ToolgateMetrics.DEFAULT_MAX_MODEL_VALUES));
	}

	/**
	 * Creates a dispatcher.
	 * @param registry the tools
	 * @param bulkheadMaxWait how long an attempt waits for a permit of a full bulkhead before it is rejected
	 * @param metrics where calls, retries and spans are recorded
	 */
	public ToolDispatcher(ToolRegistry registry, Duration bulkheadMaxWait, ToolgateMetrics metrics) {
		this(registry, bulkheadMaxWait, metrics, ToolCallGate.OPEN);
	}

	/**
	 * Creates a dispatcher whose calls pass a gate (rate limits) before they run.
	 * @param registry the tools
	 * @param bulkheadMaxWait how long an attempt waits for a permit of a full bulkhead before it is rejected
	 * @param metrics where calls, retries and spans are recorded
	 * @param gate admits each valid call once, before its first attempt
	 */
	public ToolDispatcher(ToolRegistry registry, Duration bulkheadMaxWait, ToolgateMetrics metrics,
			ToolCallGate gate) {
		this.registry = registry;
		this.bulkheadMaxWait = bulkheadMaxWait;
		this.metrics = metrics;
		this.gate = gate;
	}

	/**
	 * Runs one call. Lazy: nothing happens until subscription. Cancelling cancels the running attempt.
	 * @param invocation the call
	 * @return the result, {@code ok} or {@code error}; never an error signal
	 */
	public Mono<TurnEvent.ToolResult> dispatch(ToolInvocation invocation) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			RegisteredTool tool = this.registry.find(invocation.toolName()).orElse(null);
			String toolTag = (tool != null) ? tool.name() : "unknown";
			return this.metrics.tools().span(toolTag, invocation.callId(), checkAndExecute(invocation, tool, start));
		});
	}

	private Mono<TurnEvent.ToolResult> checkAndExecute(ToolInvocation invocation, @Nullable RegisteredTool tool,
			long start) {
		if (tool == null) {
			return Mono.just(failure(invocation, "unknown", new ToolExecutionException(
					ToolExecutionException.UNKNOWN_TOOL, "Unknown tool '" + invocation.toolName() + "'", false),
					start, 0));
		}
		ArgumentsCheck check = tool.validator().check(invocation.arguments());
		if (check instanceof ArgumentsCheck.Invalid invalid) {
			return Mono.just(failure(invocation, tool.name(),
					new ToolExecutionException(ToolExecutionException.INVALID_ARGUMENTS,
							"Invalid arguments for tool '" + tool.name() + "': " + invalid.message(), false),
					start, 0));
		}
		JsonNode arguments = ((ArgumentsCheck.Valid) check).arguments();
		// The gate runs once per call, outside the retries, so a retried attempt is not charged twice.
		return this.gate.admit(invocation.tenant(), tool.name())
			.map(denied -> failure(invocation, tool.name(), denied, start, 0))
			.switchIfEmpty(Mono.defer(() -> execute(tool, invocation, arguments, start)));
	}

	/**
	 * Runs calls in parallel, at most {@code maxParallel} at a time, and emits the results in the order of the
	 * calls.
	 * @param calls the calls
	 * @param maxParallel the bound of calls in flight, at least 1
	 * @return one result per call, in call order; never an error signal
	 */
	public Flux<TurnEvent.ToolResult> dispatchAll(List<ToolInvocation> calls, int maxParallel) {
		return Flux.fromIterable(calls).flatMapSequential(this::dispatch, Math.max(1, maxParallel));
	}

	private Mono<TurnEvent.ToolResult> execute(RegisteredTool tool, ToolInvocation invocation, JsonNode arguments,
			long start) {
		ToolSpec spec = tool.spec();
		AtomicInteger attempts = new AtomicInteger();
		Mono<JsonNode> attempt = Mono.defer(() -> {
			ToolExecution execution = new ToolExecution(spec, arguments, invocation.callId(), invocation.tenant(),
					invocation.idempotencyKey(), attempts.incrementAndGet());
			return tool.bulkhead().run(() -> runAttempt(tool, execution), this.bulkheadMaxWait);
		});
		Duration deadline = spec.callDeadline(this.bulkheadMaxWait);
		return attempt.retryWhen(retrySpec(spec.retry())
			.doBeforeRetry(signal -> this.metrics.tools().retried(tool.name())))
			.timeout(deadline)
			.onErrorMap(TimeoutException.class, ex -> new ToolExecutionException(ToolExecutionException.TIMEOUT,
					"Tool '" + spec.name() + "' exceeded its call deadline of " + deadline.toMillis() + "ms", true))
			.map(output -> success(invocation, tool.name(), output, start, attempts.get()))
			.onErrorResume(ex -> Mono.just(failure(invocation, tool.name(), asToolFailure(spec, ex), start,
					attempts.get())));
	}

	private Mono<JsonNode> runAttempt(RegisteredTool tool, ToolExecution execution) {
		ToolSpec spec = tool.spec();
		return tool.executor()
			.execute(execution)
			.timeout(spec.timeout())
			.onErrorMap(ex -> asToolFailure(spec, ex));
	}

	private static RetryBackoffSpec retrySpec(ToolRetryPolicy policy) {
		return Retry.backoff(policy.maxAttempts() - 1L, policy.initialBackoff())
			.maxBackoff(policy.maxBackoff())
			.jitter(policy.jitter())
			.filter(ToolDispatcher::isRetriedHere)
			.onRetryExhaustedThrow((spec, signal) -> signal.failure());
	}

	private static boolean isRetriedHere(Throwable ex) {
		return ex instanceof ToolExecutionException failure && failure.isRetryable()
				&& !ToolExecutionException.REJECTED.equals(failure.errorType());
	}

	private static ToolExecutionException asToolFailure(ToolSpec spec, Throwable ex) {
		if (ex instanceof ToolExecutionException failure) {
			return failure;
		}
		if (ex instanceof TimeoutException) {
			return new ToolExecutionException(ToolExecutionException.TIMEOUT,
					"Tool '" + spec.name() + "' timed out after " + spec.timeout().toMillis() + "ms", true);
		}
		// The executor contract: an unclassified failure is a retryable worker error.
		logger.debug("Tool '{}' failed with an unclassified error", spec.name(), ex);
		return ToolExecutionException.workerError("Tool '" + spec.name() + "' failed: " + FailureWords.describe(ex));
	}

	private TurnEvent.ToolResult success(ToolInvocation invocation, String toolTag, JsonNode output, long start,
			int attempts) {
		long durationNanos = System.nanoTime() - start;
		this.metrics.tools().completed(toolTag, STATUS_OK, invocation.tenant(), durationNanos);
		return new TurnEvent.ToolResult(invocation.callId(), invocation.toolName(), STATUS_OK, output, null,
				TimeUnit.NANOSECONDS.toMillis(durationNanos), attempts);
	}

	private TurnEvent.ToolResult failure(ToolInvocation invocation, String toolTag, ToolExecutionException failure,
			long start, int attempts) {
		long durationNanos = System.nanoTime() - start;
		this.metrics.tools().completed(toolTag, failure.errorType(), invocation.tenant(), durationNanos);
		logger.debug("Tool call {} to '{}' failed: {} ({})", invocation.callId(), invocation.toolName(),
				failure.errorType(), failure.getMessage());
		return new TurnEvent.ToolResult(invocation.callId(), invocation.toolName(), STATUS_ERROR, null,
				new TurnEvent.ToolError(failure.errorType(), failure.getMessage(), failure.isRetryable()),
				TimeUnit.NANOSECONDS.toMillis(durationNanos), attempts);
	}

}
