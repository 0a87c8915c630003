package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.tool.IdempotencyKeys;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool calls of one assistant message: run in parallel (bounded), each at most once per idempotency key, their
 * results emitted as they complete, then the step (the message and one tool message per call, in call order)
 * stored in the conversation. A tool failure is a result the model sees, never an error of the turn.
 */
final class ToolRound {

	/** The largest tool result passed to the model, in characters; longer results are truncated. */
	static final int MAX_TOOL_RESULT_CHARS = 32_768;

	private final IdempotentDispatch dispatcher;

	private final JsonMapper jsonMapper;

	private final int maxParallel;

	private final Duration leaseTtl;

	ToolRound(IdempotentDispatch dispatcher, JsonMapper jsonMapper, int maxParallel, Duration leaseTtl) {
		this.dispatcher = dispatcher;
		this.jsonMapper = jsonMapper;
		this.maxParallel = maxParallel;
		this.leaseTtl = leaseTtl;
	}

	/**
	 * Runs a step's tool calls and stores the step.
	 * @param state the turn
	 * @param message the assistant message whose calls run
	 * @param known results a replica that ran the step before recorded; they are used as they are
	 * @param announce whether a {@code tool.call} event per call goes out first
	 * @return the step's events: the announcements, then each result as it completes
	 */
	Flux<TurnEvent> run(TurnState state, ChatMessage message, Map<String, TurnEvent.ToolResult> known,
			boolean announce) {
		List<ToolCall> calls = message.toolCalls();
		TurnEvent.ToolResult[] results = new TurnEvent.ToolResult[calls.size()];
		Flux<TurnEvent> started = !announce ? Flux.empty() : Flux.fromIterable(calls)
			.map(call -> new TurnEvent.ToolCallStarted(call.id(), call.function().name(), call.function().arguments(),
					state.iteration));
		Flux<TurnEvent> executed = Flux.range(0, calls.size()).flatMap(i -> {
			TurnEvent.ToolResult recorded = known.get(calls.get(i).id());
			if (recorded != null) {
				results[i] = recorded;
				return Mono.empty();
			}
			return dispatch(state, calls.get(i)).doOnNext(r -> results[i] = r);
		}, this.maxParallel);
		Mono<Void> persist = Mono.defer(() -> {
			List<ChatMessage> messages = new ArrayList<>(calls.size() + 1);
			messages.add(message);
			for (TurnEvent.ToolResult result : results) {
				messages.add(ChatMessage.tool(result.callId(), content(result)));
			}
			state.messages.addAll(messages);
			return state.writer().append(messages);
		});
		return Flux.concat(started, executed, persist.then(Mono.empty()));
	}

	/**
	 * Dispatches one call at most once per key. In a turn taken over from another replica a call that replica
	 * left running is not run again: it waits up to a lease's time to live for its result, then is interrupted.
	 */
	private Mono<TurnEvent.ToolResult> dispatch(TurnState state, ToolCall call) {
		ToolInvocation invocation = invocation(state, call);
		String scope = "turn-call:" + state.request.tenant();
		Mono<IdempotentDispatch.Outcome> outcome = state.resumed
				? this.dispatcher.dispatchResumed(invocation, scope, this.leaseTtl)
				: this.dispatcher.dispatch(invocation, scope);
		return outcome.map(IdempotentDispatch.Outcome::result);
	}

	private static ToolInvocation invocation(TurnState state, ToolCall call) {
		TurnRequest request = state.request;
		String conversation = request.conversationId() != null ? request.conversationId() : "-";
		String key = IdempotencyKeys.forTurnCall(request.tenant(), conversation, request.turnId(), state.iteration,
				call.id());
		return new ToolInvocation(call.id(), call.function().name(), call.function().arguments(), request.tenant(),
				key);
	}

	/** The tool message content the model sees: the output JSON, or an error object it can reason about. */
	String content(TurnEvent.ToolResult result) {
		String content;
		if (result.isOk()) {
			JsonNode output = result.output();
			content = output == null ? "null" : this.jsonMapper.writeValueAsString(output);
		}
		else {
			content = this.jsonMapper.writeValueAsString(Map.of("error", result.error()));
		}
		if (content.length() > MAX_TOOL_RESULT_CHARS) {
			content = content.substring(0, MAX_TOOL_RESULT_CHARS) + "…[truncated]";
		}
		return content;
	}

}
