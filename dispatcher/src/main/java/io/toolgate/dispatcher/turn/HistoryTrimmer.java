package io.toolgate.dispatcher.turn;

import java.util.ArrayList;
import java.util.List;

import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;

/**
 * Trims a history to an estimated token budget before it is sent to the model: system messages stay, older
 * messages go first, and an assistant message with tool calls is kept or dropped together with its tool
 * results, so the model never sees a result without its call or a call without its result.
 */
final class HistoryTrimmer {

	private final int tokenBudget;

	HistoryTrimmer(int tokenBudget) {
		this.tokenBudget = tokenBudget;
	}

	List<ChatMessage> trim(List<ChatMessage> messages) {
		List<ChatMessage> system = new ArrayList<>();
		List<List<ChatMessage>> groups = new ArrayList<>();
		for (ChatMessage message : messages) {
			if (ChatMessage.SYSTEM.equals(message.role()) || "developer".equals(message.role())) {
				system.add(message);
			}
			else if (ChatMessage.TOOL.equals(message.role()) && !groups.isEmpty()) {
				groups.get(groups.size() - 1).add(message);
			}
			else {
				groups.add(new ArrayList<>(List.of(message)));
			}
		}
		int budget = this.tokenBudget - tokens(system);
		int kept = groups.size();
		// Keep the newest groups that fit; the newest group is kept even when it alone exceeds the budget.
		for (int i = groups.size() - 1; i >= 0; i--) {
			int cost = tokens(groups.get(i));
			if (cost > budget && i < groups.size() - 1) {
				break;
			}
			budget -= cost;
			kept = i;
		}
		List<ChatMessage> result = new ArrayList<>(system);
		groups.subList(kept, groups.size()).forEach(result::addAll);
		return result;
	}

	/** Estimates tokens as a quarter of the characters, plus a few per message. */
	static int tokens(List<ChatMessage> messages) {
		int chars = 0;
		for (ChatMessage message : messages) {
			chars += 16;
			if (message.content() != null) {
				chars += message.content().length();
			}
			if (message.toolCalls() != null) {
				for (ToolCall call : message.toolCalls()) {
					chars += call.function().name().length() + call.function().arguments().length() + 16;
				}
			}
		}
		return chars / 4;
	}

}
