package io.toolgate.dispatcher.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The turn loop ({@code toolgate.turn}). Admission and SSE heartbeats have their own
 * records, {@link AdmissionProperties} and {@link SseProperties}.
 *
 * @param maxIterations most model calls in one turn; the turn ends with
 * {@code max_iterations} beyond it
 * @param loopThreshold how often one tool may be called with the same arguments in a
 * turn; the next identical call ends the turn with {@code loop_detected}
 * @param deadline the longest a turn may run; it ends with {@code deadline}
 * @param maxParallelTools most tool calls of one assistant message executed at once
 * @param historyTokenBudget the estimated token budget of the history sent to the model;
 * older messages are dropped first, tool calls and their results together
 * @param eventLogTtl how long a turn's events stay available for resume after its last
 * event
 * @param leaseTtl time to live of a conversation's turn lease; it is renewed at a third
 * of this while the turn runs
 * @param maxContentLength the longest user message accepted, in characters
 * @param eventLogFlushInterval the longest a native turn's event waits to share its
 * event-log write with the events after it (the model's first token does not wait: its
 * batch is written at once); readers get each event once it is stored, so this trades
 * their latency against Redis round trips
 * @param maxChoices the largest {@code n} a chat completion may ask for; larger ones get
 * 400. The gateway answers with one choice whatever {@code n} is.
 * @param takeover whether a turn whose replica stopped (died, was drained past its
 * timeout or lost its lease) is taken over by another replica once its lease has expired
 * and continued from its last stored step; when off, or when there is no shared store,
 * such a turn ends with an {@code error} event, code {@code turn_abandoned}
 */
@Validated
@ConfigurationProperties("toolgate.turn")
public record TurnProperties(@DefaultValue("8") @Min(1) int maxIterations, @DefaultValue("3") @Min(1) int loopThreshold,
		@DefaultValue("120s") Duration deadline, @DefaultValue("8") @Min(1) int maxParallelTools,
		@DefaultValue("100000") @Min(100) int historyTokenBudget, @DefaultValue("1h") Duration eventLogTtl,
		@DefaultValue("30s") Duration leaseTtl, @DefaultValue("100000") @Min(1) int maxContentLength,
		@DefaultValue("25ms") Duration eventLogFlushInterval, @DefaultValue("1") @Min(1) int maxChoices,
		@DefaultValue("true") boolean takeover) {
}
