package io.toolgate.dispatcher.turn;

import java.util.ArrayList;
import java.util.List;

import io.toolgate.dispatcher.policy.TokenEstimator;
import io.toolgate.streaming.openai.ChatMessage;

/**
 * Trims a history to an estimated token budget before it is sent to the model: system
 * messages stay, older messages go first, and an assistant message with tool calls is
 * kept or dropped together with its tool results, so the model never sees a result
 * without its call or a call without its result. Tokens are counted by the same
 * {@link TokenEstimator} the token rate limits use.
 */
final class HistoryTrimmer {

	private final int tokenBudget;

	private final TokenEstimator estimator;

	HistoryTrimmer(int tokenBudget, TokenEstimator estimator) {
		this.tokenBudget = tokenBudget;
		this.estimator = estimator;
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
		long budget = this.tokenBudget - this.estimator.promptTokens(system);
		int kept = groups.size();
		// Keep the newest groups that fit; the newest group is kept even when it alone
		// exceeds the budget.
		for (int i = groups.size() - 1; i >= 0; i--) {
			long cost = this.estimator.promptTokens(groups.get(i));
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

}
