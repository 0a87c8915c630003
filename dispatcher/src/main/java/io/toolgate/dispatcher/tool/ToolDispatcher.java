package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import reactor.util.retry.RetryBackoffSpec;
import tools.jackson.databind.JsonNode;

/**
 * Runs tool calls: finds the tool, checks the arguments against its schema, and executes
 * it inside its bulkhead, each attempt bounded by the tool's timeout, retrying retryable
 * failures with backoff and jitter, the whole call bounded by
 * {@link ToolSpec#callDeadline(Duration)}.
 * <p>
 * Dispatch never fails: every failure becomes a {@link ToolResult} with status
 * {@code error} and a {@link ToolResult.Error} whose type is one of {@code unknown_tool},
 * {@code invalid_arguments} (neither runs the tool: attempts 0), {@code timeout},
 * {@code worker_error}, {@code tool_error}, {@code rejected}, {@code circuit_open} or
 * {@code output_too_large}. A {@code rejected} attempt (bulkhead still full after the
 * wait bound) is not retried here: the wait already was the back-off, so it is returned
 * to the caller as retryable. Nor is a {@code circuit_open} one (the tool's
 * {@link ToolCircuitBreaker} is open, checked inside the bulkhead on every attempt): its
 * message tells the model how long to wait.
 * <p>
 * Each call is reported to a {@link ToolCallObserver}: wrapped in its
 * {@link ToolCallObserver#span span}, with its outcome ({@code ok} or the error type) and
 * duration when it ends and each retry as it starts. Unknown tool names are reported as
 * {@code unknown}, to bound what the observer sees.
 * <p>
 * Each call is recorded by a {@link ToolCallAuditor}: it may refuse a valid, admitted
 * call before its first attempt (the result is then its failure, attempts 0), and every
 * result is handed to it before it is returned.
 */
public class ToolDispatcher {

	private static final Logger logger = LoggerFactory.getLogger(ToolDispatcher.class);

	private static final String OUTCOME_OK = "ok";

	private final ToolRegistry registry;

	private final Duration bulkheadMaxWait;

	private final ToolCallObserver observer;

	private final ToolCallGate gate;

	private final ToolCallAuditor auditor;

	/**
	 * Creates a dispatcher whose calls pass no gate.
	 * @param registry the tools
	 * @param bulkheadMaxWait how long an attempt waits for a permit of a full bulkhead
	 * before it is rejected
	 * @param observer where calls and retries are reported
	 */
	public ToolDispatcher(ToolRegistry registry, Duration bulkheadMaxWait, ToolCallObserver observer) {
		this(registry, bulkheadMaxWait, observer, ToolCallGate.OPEN);
	}

	/**
	 * Creates a dispatcher whose calls pass a gate (rate limits) before they run.
	 * @param registry the tools
	 * @param bulkheadMaxWait how long an attempt waits for a permit of a full bulkhead
	 * before it is rejected
	 * @param observer where calls and retries are reported
	 * @param gate admits each valid call once, before its first attempt
	 */
	public ToolDispatcher(ToolRegistry registry, Duration bulkheadMaxWait, ToolCallObserver observer,
			ToolCallGate gate) {
		this(registry, bulkheadMaxWait, observer, gate, ToolCallAuditor.NONE);
	}

	/**
	 * Creates a dispatcher whose calls pass a gate and are audited.
	 * @param registry the tools
	 * @param bulkheadMaxWait how long an attempt waits for a permit of a full bulkhead
	 * before it is rejected
	 * @param observer where calls and retries are reported
	 * @param gate admits each valid call once, before its first attempt
	 * @param auditor records each call, and may refuse one before it runs
	 */
	public ToolDispatcher(ToolRegistry registry, Duration bulkheadMaxWait, ToolCallObserver observer, ToolCallGate gate,
			ToolCallAuditor auditor) {
		this.registry = registry;
		this.bulkheadMaxWait = bulkheadMaxWait;
		this.observer = observer;
		this.gate = gate;
		this.auditor = auditor;
	}

	/**
	 * Runs one call. Lazy: nothing happens until subscription. Cancelling cancels the
	 * running attempt.
	 * @param invocation the call
	 * @return the result, {@code ok} or {@code error}; never an error signal
	 */
	public Mono<ToolResult> dispatch(ToolInvocation invocation) {
		return run(invocation, null);
	}

	/**
	 * Runs one call whose result the caller keeps: the store keeps it before it is
	 * returned, with the call's audit record when the auditor and the store can write
	 * both at once
	 * ({@link ToolCallAuditor#completed(ToolInvocation, RegisteredTool, ToolResult, ToolResultStore)}).
	 * Lazy: nothing happens until subscription. Cancelling cancels the running attempt.
	 * @param invocation the call
	 * @param store where the result is kept
	 * @return the result, {@code ok} or {@code error}, once stored; errors only with the
	 * store's failure
	 */
	public Mono<ToolResult> dispatch(ToolInvocation invocation, ToolResultStore store) {
		return run(invocation, store);
	}

	private Mono<ToolResult> run(ToolInvocation invocation, @Nullable ToolResultStore store) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			// A tool kept for other tenants is unknown to this one, to the same result.
			RegisteredTool tool = this.registry.find(invocation.toolName(), invocation.tenant()).orElse(null);
			String toolTag = (tool != null) ? tool.name() : "unknown";
			return this.observer.span(toolTag, invocation.callId(),
					checkAndExecute(invocation, tool, start)
						.flatMap(result -> (store != null) ? this.auditor.completed(invocation, tool, result, store)
								: this.auditor.completed(invocation, tool, result)));
		});
	}

	private Mono<ToolResult> checkAndExecute(ToolInvocation invocation, @Nullable RegisteredTool tool, long start) {
		if (tool == null) {
			return Mono
				.just(failure(invocation, "unknown", new ToolExecutionException(ToolExecutionException.UNKNOWN_TOOL,
						"Unknown tool '" + invocation.toolName() + "'", false), start, 0));
		}
		ArgumentsCheck check = tool.validator().check(invocation.arguments());
		if (check instanceof ArgumentsCheck.Invalid invalid) {
			return Mono.just(failure(invocation, tool.name(),
					new ToolExecutionException(ToolExecutionException.INVALID_ARGUMENTS,
							"Invalid arguments for tool '" + tool.name() + "': " + invalid.message(), false),
					start, 0));
		}
		JsonNode arguments = ((ArgumentsCheck.Valid) check).arguments();
		// The gate runs once per call, outside the retries, so a retried attempt is not
		// charged twice.
		return this.gate.admit(invocation.tenant(), tool.name())
			.map(denied -> failure(invocation, tool.name(), denied, start, 0))
			.switchIfEmpty(Mono.defer(() -> this.auditor.beforeExecution(invocation, tool)
				.map(refused -> failure(invocation, tool.name(), refused, start, 0))
				.switchIfEmpty(Mono.defer(() -> execute(tool, invocation, arguments, start)))));
	}

	private Mono<ToolResult> execute(RegisteredTool tool, ToolInvocation invocation, JsonNode arguments, long start) {
		ToolSpec spec = tool.spec();
		AtomicInteger attempts = new AtomicInteger();
		Mono<JsonNode> attempt = Mono.defer(() -> {
			ToolExecution execution = new ToolExecution(spec, arguments, invocation.callId(), invocation.tenant(),
					invocation.idempotencyKey(), attempts.incrementAndGet());
			return tool.bulkhead().run(() -> runAttempt(tool, execution), this.bulkheadMaxWait);
		});
		Duration deadline = spec.callDeadline(this.bulkheadMaxWait);
		return attempt.retryWhen(retrySpec(spec.retry()).doBeforeRetry(signal -> this.observer.retried(tool.name())))
			.timeout(deadline)
			.onErrorMap(TimeoutException.class, ex -> new ToolExecutionException(ToolExecutionException.TIMEOUT,
					"Tool '" + spec.name() + "' exceeded its call deadline of " + deadline.toMillis() + "ms", true))
			.map(output -> success(invocation, tool.name(), output, start, attempts.get()))
			.onErrorResume(
					ex -> Mono.just(failure(invocation, tool.name(), asToolFailure(spec, ex), start, attempts.get())));
	}

	private Mono<JsonNode> runAttempt(RegisteredTool tool, ToolExecution execution) {
		ToolSpec spec = tool.spec();
		// The breaker sees the classified failure and the duration of the attempt.
		return tool.circuitBreaker()
			.protect(tool.executor()
				.execute(execution)
				.timeout(spec.timeout())
				.onErrorMap(ex -> asToolFailure(spec, ex)));
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
				&& !ToolExecutionException.REJECTED.equals(failure.errorType())
				&& !ToolExecutionException.CIRCUIT_OPEN.equals(failure.errorType());
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

	private ToolResult success(ToolInvocation invocation, String toolTag, JsonNode output, long start, int attempts) {
		long durationNanos = System.nanoTime() - start;
		this.observer.completed(toolTag, OUTCOME_OK, invocation.tenant(), durationNanos);
		return ToolResult.ok(invocation.callId(), invocation.toolName(), output, millis(durationNanos), attempts);
	}

	private ToolResult failure(ToolInvocation invocation, String toolTag, ToolExecutionException failure, long start,
			int attempts) {
		long durationNanos = System.nanoTime() - start;
		this.observer.completed(toolTag, failure.errorType(), invocation.tenant(), durationNanos);
		logger.debug("Tool call {} to '{}' failed: {} ({})", invocation.callId(), invocation.toolName(),
				failure.errorType(), failure.getMessage());
		return ToolResult.failed(invocation.callId(), invocation.toolName(), ToolResult.Error.of(failure),
				millis(durationNanos), attempts);
	}

	/**
	 * Whole milliseconds, the precision results carry; the observer gets the nanoseconds.
	 */
	private static Duration millis(long nanos) {
		return Duration.ofMillis(TimeUnit.NANOSECONDS.toMillis(nanos));
	}

}
