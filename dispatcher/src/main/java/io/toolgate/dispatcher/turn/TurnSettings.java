package io.toolgate.dispatcher.turn;

import java.time.Duration;

/**
 * What bounds a turn and its event log, built from the configuration.
 *
 * @param maxIterations most model calls in one turn; the turn ends with
 * {@code max_iterations} beyond it
 * @param loopThreshold how often one tool may be called with the same arguments in a
 * turn; the next identical call ends the turn with {@code loop_detected}
 * @param deadline the longest a turn may run; it ends with {@code deadline}
 * @param maxParallelTools most tool calls of one assistant message executed at once
 * @param historyTokenBudget the estimated tokens of history sent to the model; older
 * messages go first
 * @param eventLogTtl how long a turn's events stay available for resume after its last
 * event
 * @param leaseTtl time to live of a conversation's turn lease, renewed at a third of it
 * while the turn runs
 * @param eventLogFlushInterval the longest a detached turn's event waits to share its
 * event-log write
 * @param takeover whether a turn whose replica stopped is continued by another replica
 */
public record TurnSettings(int maxIterations, int loopThreshold, Duration deadline, int maxParallelTools,
		int historyTokenBudget, Duration eventLogTtl, Duration leaseTtl, Duration eventLogFlushInterval,
		boolean takeover) {
}
