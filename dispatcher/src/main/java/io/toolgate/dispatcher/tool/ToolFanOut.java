package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

/**
 * Runs the tool calls a model asked for in one message: in parallel, at most
 * {@code maxParallel} at a time, each at most once per idempotency key
 * ({@link IdempotentDispatch#dispatchAll}, which claims a step's keys together), and
 * emits their results as they complete, not in call order. A call whose key is in the way
 * is not run and gets an error result the model sees, never an error signal:
 * <ul>
 * <li>in a turn, {@value #IDEMPOTENCY_CONFLICT}: a call with the same key and other
 * arguments ran (a model that gave two calls of one message the same id), or one with the
 * same arguments was still running after the wait;</li>
 * <li>in a turn taken over from another replica, {@value #INTERRUPTED}: the call that
 * replica claimed was still running when it stopped, or ran with other arguments; it is
 * not run again.</li>
 * </ul>
 * These results were never executed, so they are not recorded as tool calls by the
 * {@link ToolCallObserver}.
 */
public final class ToolFanOut {

	/**
	 * The error type of a call of a turn whose idempotency key another call of the turn
	 * holds.
	 */
	public static final String IDEMPOTENCY_CONFLICT = "idempotency_conflict";

	/**
	 * The error type of a call that a turn's replica stopped during, which is not run
	 * again.
	 */
	public static final String INTERRUPTED = "interrupted";

	private static final Logger logger = LoggerFactory.getLogger(ToolFanOut.class);

	private final IdempotentDispatch dispatch;

	private final int maxParallel;

	/**
	 * Creates the fan-out.
	 * @param dispatch runs each call at most once per key
	 * @param maxParallel the bound of calls in flight, at least 1
	 * @throws IllegalArgumentException if {@code maxParallel} is less than 1
	 */
	public ToolFanOut(IdempotentDispatch dispatch, int maxParallel) {
		if (maxParallel < 1) {
			throw new IllegalArgumentException("maxParallel must be at least 1");
		}
		this.dispatch = dispatch;
		this.maxParallel = maxParallel;
	}

	/**
	 * Runs the calls of a step of a turn. Lazy; cancelling cancels the calls in flight.
	 * @param calls the calls, each with its idempotency key
	 * @param scope what the keys are unique within
	 * @return one result per call, as each completes; errors only with the idempotency
	 * store's failures
	 */
	public Flux<ToolResult> dispatchAll(List<ToolInvocation> calls, String scope) {
		return this.dispatch.dispatchAll(calls, scope, this.maxParallel, ToolFanOut::resultOf);
	}

	/**
	 * Runs the calls of a step of a turn taken over from another replica: a call whose
	 * result that replica recorded is skipped, a call it completed gets the stored
	 * result, a call it never claimed runs, and a call still claimed without a result
	 * after {@code wait} (its replica stopped while it ran, or still runs it) is not run
	 * again: it gets an {@value #INTERRUPTED} result. Lazy; cancelling cancels the calls
	 * in flight.
	 * @param calls the calls, each with its idempotency key
	 * @param scope what the keys are unique within
	 * @param done the ids of the calls whose results are known; they get no result here
	 * @param wait how long to wait for a claimed call's result
	 * @return one result per call not in {@code done}, as each completes; errors only
	 * with the idempotency store's failures
	 */
	public Flux<ToolResult> dispatchResumed(List<ToolInvocation> calls, String scope, Set<String> done, Duration wait) {
		return Flux.defer(
				() -> this.dispatch.dispatchAll(calls.stream().filter(call -> !done.contains(call.callId())).toList(),
						scope, wait, this.maxParallel, ToolFanOut::resumedResultOf));
	}

	private static ToolResult resultOf(ToolInvocation call, DispatchOutcome outcome) {
		return switch (outcome) {
			case DispatchOutcome.Fresh fresh -> fresh.result();
			case DispatchOutcome.Replayed replayed -> replayed.result();
			case DispatchOutcome.InProgress inProgress -> notRun(call, IDEMPOTENCY_CONFLICT,
					"Another call with id '" + call.callId()
							+ "' and the same arguments was still running; this call was not run, so that "
							+ "the tool does not run twice");
			case DispatchOutcome.Mismatch mismatch -> notRun(call, IDEMPOTENCY_CONFLICT,
					"Another call with id '" + call.callId()
							+ "' and other arguments ran in this step; this call was not run. Give every "
							+ "tool call of a message its own id");
		};
	}

	private static ToolResult resumedResultOf(ToolInvocation call, DispatchOutcome outcome) {
		return switch (outcome) {
			case DispatchOutcome.Fresh fresh -> fresh.result();
			case DispatchOutcome.Replayed replayed -> replayed.result();
			case DispatchOutcome.InProgress inProgress -> notRun(call, INTERRUPTED,
					"The call was still running when the replica running its turn stopped; it was not run again");
			case DispatchOutcome.Mismatch mismatch -> notRun(call, INTERRUPTED,
					"A call with this id and other arguments ran before the turn was taken over; it was not run");
		};
	}

	private static ToolResult notRun(ToolInvocation call, String type, String message) {
		logger.debug("Tool call {} to '{}' was not run: {} ({})", call.callId(), call.toolName(), type, message);
		return ToolResult.failed(call.callId(), call.toolName(), new ToolResult.Error(type, message, false),
				Duration.ZERO, 0);
	}

}
