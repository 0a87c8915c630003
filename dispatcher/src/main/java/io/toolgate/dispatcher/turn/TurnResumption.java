package io.toolgate.dispatcher.turn;

import java.util.Map;

import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import org.jspecify.annotations.Nullable;

/**
 * Where a turn taken over from another replica continues, as read from its stored conversation and event log.
 *
 * @param model the model the turn called
 * @param iteration the model call (1-based) the turn continues with
 * @param pendingStep the assistant message of {@code iteration} whose tool calls were recorded but whose step was
 * not stored; {@code null} when the model is asked again
 * @param results results of the pending step's calls already recorded in the log, by call id
 * @param answer the final answer when the turn's last step was stored but its end was not recorded; {@code null}
 * otherwise
 */
record TurnResumption(String model, int iteration, @Nullable ChatMessage pendingStep,
		Map<String, TurnEvent.ToolResult> results, @Nullable String answer) {

	TurnResumption {
		results = Map.copyOf(results);
	}

}
