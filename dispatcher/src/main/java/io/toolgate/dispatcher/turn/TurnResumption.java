package io.toolgate.dispatcher.turn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import org.jspecify.annotations.Nullable;

/**
 * Where a turn taken over from another replica continues, as read from its stored
 * conversation and event log.
 *
 * @param model the model the turn called
 * @param iteration the model call (1-based) the turn continues with
 * @param pendingStep the assistant message of {@code iteration} whose tool calls were
 * recorded but whose step was not stored; {@code null} when the model is asked again
 * @param results results of the pending step's calls already recorded in the log, by call
 * id
 * @param answer the final answer when the turn's last step was stored but its end was not
 * recorded; {@code null} otherwise
 */
record TurnResumption(String model, int iteration, @Nullable ChatMessage pendingStep,
		Map<String, TurnEvent.ToolResult> results, @Nullable String answer) {

	TurnResumption {
		results = Map.copyOf(results);
	}

	/**
	 * Reads where a turn stopped. Its input is stored once {@code turn.started} is in its
	 * log, so the messages after the conversation's last user message are the turn's
	 * complete steps (each an assistant message with its tool results), possibly followed
	 * by its final answer; the log holds what the next step had done.
	 * @param events the turn's logged events, in order
	 * @param messages the stored conversation
	 * @return where to continue, or {@code null} if the turn cannot be continued: its
	 * input may not be stored, or the conversation moved on with another turn
	 */
	static @Nullable TurnResumption read(List<TurnEvent> events, List<ChatMessage> messages) {
		String model = null;
		for (TurnEvent event : events) {
			if (event instanceof TurnEvent.TurnStarted started) {
				model = started.model();
			}
		}
		int lastUser = -1;
		for (int i = messages.size() - 1; i >= 0 && lastUser < 0; i--) {
			lastUser = ChatMessage.USER.equals(messages.get(i).role()) ? i : -1;
		}
		if (model == null || lastUser < 0) {
			return null;
		}
		List<ChatMessage> turnMessages = messages.subList(lastUser + 1, messages.size());
		int steps = storedSteps(turnMessages, events);
		if (steps < 0) {
			return null;
		}
		int iteration = steps + 1;
		ChatMessage last = messages.getLast();
		if (ChatMessage.ASSISTANT.equals(last.role()) && !last.hasToolCalls()) {
			String answer = last.content() != null ? last.content() : "";
			return answer.startsWith(tokens(events, iteration))
					? new TurnResumption(model, iteration, null, Map.of(), answer) : null;
		}
		return pendingStep(model, iteration, events);
	}

	/**
	 * Counts the turn's stored steps, checking each against the tool calls the log
	 * recorded for its model call: messages that do not match are another turn's (one
	 * that ran on the conversation after this turn's lease expired), and the turn cannot
	 * be continued on them.
	 * @return the number of steps, or -1 if they are not this turn's
	 */
	private static int storedSteps(List<ChatMessage> turnMessages, List<TurnEvent> events) {
		int steps = 0;
		for (ChatMessage message : turnMessages) {
			if (ChatMessage.ASSISTANT.equals(message.role()) && message.hasToolCalls()) {
				steps++;
				List<String> stored = message.toolCalls().stream().map(ToolCall::id).toList();
				if (!stored.equals(loggedCallIds(events, steps))) {
					return -1;
				}
			}
		}
		return steps;
	}

	private static List<String> loggedCallIds(List<TurnEvent> events, int iteration) {
		List<String> ids = new ArrayList<>();
		for (TurnEvent event : events) {
			if (event instanceof TurnEvent.ToolCallStarted call && call.iteration() == iteration) {
				ids.add(call.callId());
			}
		}
		return ids;
	}

	private static String tokens(List<TurnEvent> events, int iteration) {
		StringBuilder text = new StringBuilder();
		for (TurnEvent event : events) {
			if (event instanceof TurnEvent.Token token && token.iteration() == iteration) {
				text.append(token.text());
			}
		}
		return text.toString();
	}

	/**
	 * The step of {@code iteration} as the log recorded it: its tool calls and the
	 * results it got.
	 */
	private static TurnResumption pendingStep(String model, int iteration, List<TurnEvent> events) {
		StringBuilder content = new StringBuilder();
		List<ToolCall> calls = new ArrayList<>();
		Map<String, TurnEvent.ToolResult> results = new LinkedHashMap<>();
		for (TurnEvent event : events) {
			if (event instanceof TurnEvent.Token token && token.iteration() == iteration) {
				content.append(token.text());
			}
			else if (event instanceof TurnEvent.ToolCallStarted call && call.iteration() == iteration) {
				calls.add(ToolCall.of(call.callId(), call.name(), call.arguments()));
			}
			else if (event instanceof TurnEvent.ToolResult result && !calls.isEmpty()) {
				results.put(result.callId(), result);
			}
		}
		if (calls.isEmpty()) {
			return new TurnResumption(model, iteration, null, Map.of(), null);
		}
		List<String> ids = calls.stream().map(ToolCall::id).toList();
		results.keySet().retainAll(ids);
		ChatMessage step = ChatMessage.assistant(content.isEmpty() ? null : content.toString(), calls);
		return new TurnResumption(model, iteration, step, results, null);
	}

}
