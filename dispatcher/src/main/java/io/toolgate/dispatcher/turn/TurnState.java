package io.toolgate.dispatcher.turn;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;

/** The mutable state of one running turn; touched by one signal at a time. */
final class TurnState {

	final TurnRequest request;

	final List<ChatMessage> messages;

	final Set<String> clientToolNames = new HashSet<>();

	private final Map<String, Integer> callCounts = new HashMap<>();

	int iteration;

	Usage usage = Usage.ZERO;

	/** What the turn's model calls cost so far, in micro-units. */
	long costMicros;

	/** How many tool calls the turn ran (or began to run) so far. */
	long toolCalls;

	String lastContent;

	volatile boolean finished;

	/** Whether the turn was taken over from another replica. */
	final boolean resumed;

	/**
	 * Whether the turn may suspend for a reviewer's decision (a detached conversation
	 * turn); other turns deny calls that need approval.
	 */
	boolean suspendable;

	/**
	 * Set when the turn held calls for approval and stops here, to be continued later.
	 */
	volatile boolean suspended;

	/** Calls a reviewer approved, which run without being held again. */
	Set<String> approvedCalls = Set.of();

	TurnState(TurnRequest request, boolean resumed) {
		this.request = request;
		this.resumed = resumed;
		this.messages = new ArrayList<>(request.history());
		this.messages.addAll(request.input());
		request.clientTools().forEach(tool -> this.clientToolNames.add(tool.function().name()));
	}

	ConversationWriter writer() {
		return this.request.writer();
	}

	/**
	 * Counts the calls and tells whether one of them was now made more often than
	 * {@code threshold} times.
	 */
	boolean repeatsPastBound(List<ToolCall> calls, int threshold) {
		boolean loop = false;
		for (ToolCall call : calls) {
			String key = call.function().name() + "\u0000" + call.function().arguments().strip();
			if (this.callCounts.merge(key, 1, Integer::sum) > threshold) {
				loop = true;
			}
		}
		return loop;
	}

	TurnEvent.TurnCompleted complete(String reason, String content, List<ToolCall> clientCalls) {
		this.finished = true;
		return new TurnEvent.TurnCompleted(reason, content, clientCalls, this.usage, this.iteration);
	}

	/** Ends the turn because a budget or cap would be passed. */
	TurnEvent.TurnCompleted exhausted(TurnEvent.ExhaustedBudget budget) {
		this.finished = true;
		return new TurnEvent.TurnCompleted(TurnEvent.TurnCompleted.BUDGET_EXHAUSTED, this.lastContent, null, this.usage,
				this.iteration, budget);
	}

}
