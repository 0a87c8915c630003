package io.toolgate.dispatcher.turn;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.toolgate.store.Approval;
import io.toolgate.store.ApprovalVerdict;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;
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
 * @param approved the calls of the pending step a reviewer approved (the log recorded
 * their {@code approval.resolved}); they run without being held again
 * @param unresolved the approvals of the pending step the log records as required and not
 * resolved, by call id: while there are any, the turn is suspended
 * @param preface events the continued turn emits first (the decisions that continue a
 * suspended turn)
 * @param spent what the turn used before it stopped, for its caps
 */
record TurnResumption(String model, int iteration, @Nullable ChatMessage pendingStep,
		Map<String, TurnEvent.ToolResult> results, @Nullable String answer, Set<String> approved,
		Map<String, String> unresolved, List<TurnEvent> preface, Spent spent) {

	TurnResumption(String model, int iteration, @Nullable ChatMessage pendingStep,
			Map<String, TurnEvent.ToolResult> results, @Nullable String answer, Set<String> approved,
			Map<String, String> unresolved, List<TurnEvent> preface) {
		this(model, iteration, pendingStep, results, answer, approved, unresolved, preface, Spent.NONE);
	}

	TurnResumption {
		results = Map.copyOf(results);
		approved = Set.copyOf(approved);
		unresolved = Map.copyOf(unresolved);
		preface = List.copyOf(preface);
	}

	TurnResumption(String model, int iteration, @Nullable ChatMessage pendingStep,
			Map<String, TurnEvent.ToolResult> results, @Nullable String answer) {
		this(model, iteration, pendingStep, results, answer, Set.of(), Map.of(), List.of());
	}

	/**
	 * This suspended turn, continued with decisions: each decided approval the turn waits
	 * for becomes an {@code approval.resolved} event, and, when rejected or expired, an
	 * error result the model sees; approved calls run, edited ones with their new
	 * arguments.
	 * @param decided the decided approvals of the pending step
	 * @return the resumption, with no approval unresolved if every one was decided
	 */
	TurnResumption decided(List<Approval> decided) {
		Map<String, TurnEvent.ToolResult> known = new LinkedHashMap<>(this.results);
		Set<String> runs = new HashSet<>(this.approved);
		Map<String, String> open = new LinkedHashMap<>(this.unresolved);
		Map<String, String> edited = new LinkedHashMap<>();
		List<TurnEvent> events = new ArrayList<>();
		for (Approval approval : decided) {
			ApprovalVerdict verdict = approval.verdict();
			if (verdict == null || !approval.id().equals(open.get(approval.callId()))) {
				continue;
			}
			open.remove(approval.callId());
			events.add(new TurnEvent.ApprovalResolved(approval.id(), approval.callId(), approval.tool(),
					verdict.status().wireName(), verdict.reason(), verdict.arguments(), this.iteration));
			if (verdict.status().runs()) {
				runs.add(approval.callId());
				if (verdict.arguments() != null) {
					edited.put(approval.callId(), verdict.arguments());
				}
			}
			else {
				TurnEvent.ToolResult denied = ApprovalGate.denied(approval.callId(), approval.tool(), verdict);
				known.put(approval.callId(), denied);
				events.add(denied);
			}
		}
		ChatMessage step = this.pendingStep;
		if (step != null && !edited.isEmpty()) {
			step = ChatMessage.assistant(step.content(),
					step.toolCalls()
						.stream()
						.map(call -> edited.containsKey(call.id())
								? ToolCall.of(call.id(), call.function().name(), edited.get(call.id())) : call)
						.toList());
		}
		return new TurnResumption(this.model, this.iteration, step, known, this.answer, runs, open, events, this.spent);
	}

	/** Whether the turn waits for decisions on held calls. */
	boolean suspended() {
		return !this.unresolved.isEmpty();
	}

	/**
	 * Tells whether a turn's logged events end in a suspension: an
	 * {@code approval.required} with no {@code approval.resolved} after it.
	 * @param events the turn's logged events
	 * @return whether it is suspended
	 */
	static boolean isSuspended(List<TurnEvent> events) {
		Set<String> open = new HashSet<>();
		for (TurnEvent event : events) {
			if (event instanceof TurnEvent.ApprovalRequired required) {
				open.add(required.approvalId());
			}
			else if (event instanceof TurnEvent.ApprovalResolved resolved) {
				open.remove(resolved.approvalId());
			}
			else if (event.isTerminal()) {
				return false;
			}
		}
		return !open.isEmpty();
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
		TurnResumption read = readSteps(events, messages);
		return (read != null) ? new TurnResumption(read.model, read.iteration, read.pendingStep, read.results,
				read.answer, read.approved, read.unresolved, read.preface, Spent.of(events)) : null;
	}

	private static @Nullable TurnResumption readSteps(List<TurnEvent> events, List<ChatMessage> messages) {
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
		Map<String, String> unresolved = new LinkedHashMap<>();
		Map<String, String> edited = new LinkedHashMap<>();
		Set<String> approved = new HashSet<>();
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
			else if (event instanceof TurnEvent.ApprovalRequired required && required.iteration() == iteration) {
				unresolved.put(required.callId(), required.approvalId());
			}
			else if (event instanceof TurnEvent.ApprovalResolved resolved && resolved.iteration() == iteration) {
				unresolved.remove(resolved.callId());
				if ("approved".equals(resolved.decision()) || "edited".equals(resolved.decision())) {
					approved.add(resolved.callId());
				}
				if (resolved.arguments() != null) {
					edited.put(resolved.callId(), resolved.arguments());
				}
			}
		}
		if (calls.isEmpty()) {
			return new TurnResumption(model, iteration, null, Map.of(), null);
		}
		List<String> ids = calls.stream().map(ToolCall::id).toList();
		results.keySet().retainAll(ids);
		List<ToolCall> asRun = calls.stream()
			.map(call -> edited.containsKey(call.id())
					? ToolCall.of(call.id(), call.function().name(), edited.get(call.id())) : call)
			.toList();
		ChatMessage step = ChatMessage.assistant(content.isEmpty() ? null : content.toString(), asRun);
		return new TurnResumption(model, iteration, step, results, null, approved, unresolved, List.of());
	}

	/**
	 * What a turn used before it stopped: the usage and cost of its last {@code usage}
	 * event (there is one after each model call when spend is accounted or the tenant's
	 * turns are capped) and the tool calls it began.
	 *
	 * @param usage tokens of its model calls
	 * @param costMicros their cost
	 * @param toolCalls its tool calls
	 */
	record Spent(Usage usage, long costMicros, long toolCalls) {

		static final Spent NONE = new Spent(Usage.ZERO, 0, 0);

		static Spent of(List<TurnEvent> events) {
			Usage usage = Usage.ZERO;
			long cost = 0;
			long calls = 0;
			for (TurnEvent event : events) {
				if (event instanceof TurnEvent.UsageUpdate update) {
					usage = update.usage();
					cost = update.costMicros();
				}
				else if (event instanceof TurnEvent.ToolCallStarted) {
					calls++;
				}
			}
			return new Spent(usage, cost, calls);
		}

	}

}
