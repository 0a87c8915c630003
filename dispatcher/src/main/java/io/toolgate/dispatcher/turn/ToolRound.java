package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.audit.AuditContext;
import io.toolgate.dispatcher.tool.IdempotencyKeys;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.ToolFanOut;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.dispatcher.tool.ToolResult;
import io.toolgate.dispatcher.tool.ToolResultFraming;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool calls of one assistant message: run through {@link ToolFanOut} (in parallel,
 * bounded, each at most once per idempotency key), their results emitted as
 * {@code tool.result} events as they complete, then the step (the message and one tool
 * message per call, in call order) handed to the conversation writer, which stores it or
 * holds it for the turn's end ({@link ConversationWriter#appendStep}). A tool failure, an
 * idempotency conflict included, is a result the model sees, never an error of the turn.
 * Tool results become events here and nowhere else ({@link #event}).
 */
final class ToolRound {

	private final ToolFanOut fanOut;

	private final JsonMapper jsonMapper;

	private final ToolResultFraming framing;

	private final Duration leaseTtl;

	private final ApprovalGate gate;

	ToolRound(IdempotentDispatch dispatcher, JsonMapper jsonMapper, ToolResultFraming framing, int maxParallel,
			Duration leaseTtl, ApprovalGate gate) {
		this.fanOut = new ToolFanOut(dispatcher, maxParallel);
		this.jsonMapper = jsonMapper;
		this.framing = framing;
		this.leaseTtl = leaseTtl;
		this.gate = gate;
	}

	/**
	 * Runs a step's tool calls and stores the step.
	 * @param state the turn
	 * @param message the assistant message whose calls run
	 * @param known results a replica that ran the step before recorded, by call id; they
	 * are used as they are. Only a turn taken over from another replica has any.
	 * @param announce whether a {@code tool.call} event per call goes out first
	 * @return the step's events: the announcements, then each result as it completes;
	 * when calls were held for approval, their {@code approval.required} events last, and
	 * the step is not stored: the turn suspends ({@link TurnState#suspended})
	 */
	Flux<TurnEvent> run(TurnState state, ChatMessage message, Map<String, TurnEvent.ToolResult> known,
			boolean announce) {
		List<ToolCall> calls = message.toolCalls();
		TurnEvent.ToolResult[] results = new TurnEvent.ToolResult[calls.size()];
		List<ToolInvocation> invocations = new ArrayList<>(calls.size());
		List<ToolCall> held = new ArrayList<>();
		List<String> reasons = new ArrayList<>();
		List<TurnEvent> denied = new ArrayList<>();
		for (int i = 0; i < calls.size(); i++) {
			ToolCall call = calls.get(i);
			results[i] = known.get(call.id());
			String reason = (results[i] != null || state.approvedCalls.contains(call.id())) ? null
					: this.gate.holdReason(call, state.request.tenant());
			if (reason == null) {
				invocations.add(invocation(state, call));
			}
			else if (state.suspendable) {
				held.add(call);
				reasons.add(reason);
			}
			else {
				results[i] = ApprovalGate.unavailable(call);
				denied.add(results[i]);
			}
		}
		Flux<TurnEvent> started = !announce ? Flux.empty()
				: Flux.fromIterable(calls)
					.map(call -> new TurnEvent.ToolCallStarted(call.id(), call.function().name(),
							call.function().arguments(), state.iteration));
		Flux<TurnEvent> executed = execute(state, invocations, known).map(result -> {
			TurnEvent.ToolResult event = event(result);
			results[slotOf(calls, results, result.callId())] = event;
			return event;
		});
		Mono<Void> persist = Mono.defer(() -> {
			List<ChatMessage> messages = new ArrayList<>(calls.size() + 1);
			messages.add(message);
			for (TurnEvent.ToolResult result : results) {
				messages.add(ChatMessage.tool(result.callId(), content(result)));
			}
			state.messages.addAll(messages);
			return state.writer().appendStep(messages);
		});
		// The turn's previous step, if its writer still holds it, is stored before this
		// one's calls are announced: a turn taken over rebuilds only its latest step.
		Flux<TurnEvent> previous = state.writer().storeHeldStep().thenMany(Flux.empty());
		if (held.isEmpty()) {
			return Flux.concat(previous, started, Flux.fromIterable(denied), executed, persist.then(Mono.empty()));
		}
		// The step is stored once every held call is decided, by the replica that
		// continues the turn; until then its calls and results live in the turn's log.
		Flux<TurnEvent> suspend = this.gate.hold(state, held, reasons).flatMapMany(events -> {
			state.suspended = true;
			return Flux.fromIterable(events);
		});
		return Flux.concat(previous, started, executed, suspend);
	}

	/**
	 * Dispatches the calls without a known result. In a turn taken over from another
	 * replica a call that replica left running is not run again: it waits up to a lease's
	 * time to live for its result, then is interrupted.
	 */
	private Flux<ToolResult> execute(TurnState state, List<ToolInvocation> invocations,
			Map<String, TurnEvent.ToolResult> known) {
		String scope = "turn-call:" + state.request.tenant();
		TurnRequest request = state.request;
		AuditContext audit = new AuditContext(request.keyId(), request.conversationId(), request.turnId());
		Flux<ToolResult> results = state.resumed
				? this.fanOut.dispatchResumed(invocations, scope, known.keySet(), this.leaseTtl)
				: this.fanOut.dispatchAll(invocations, scope);
		return results.contextWrite(audit::writeTo);
	}

	/**
	 * The first call of the step with this id that has no result yet. A model may give
	 * two calls of a message the same id; their results then fill that id's places in the
	 * order they complete, which the model, seeing only the id, cannot tell apart.
	 */
	private static int slotOf(List<ToolCall> calls, TurnEvent.ToolResult[] results, String callId) {
		for (int i = 0; i < results.length; i++) {
			if (results[i] == null && calls.get(i).id().equals(callId)) {
				return i;
			}
		}
		throw new IllegalStateException("A tool result for call '" + callId + "' that has no place in the step");
	}

	/** The {@code tool.result} event of a tool call's result. */
	static TurnEvent.ToolResult event(ToolResult result) {
		ToolResult.Error error = result.error();
		return new TurnEvent.ToolResult(result.callId(), result.toolName(), result.status().wireName(), result.output(),
				(error != null) ? new TurnEvent.ToolError(error.type(), error.message(), error.retryable()) : null,
				result.duration().toMillis(), result.attempts());
	}

	private static ToolInvocation invocation(TurnState state, ToolCall call) {
		TurnRequest request = state.request;
		String conversation = request.conversationId() != null ? request.conversationId() : "-";
		String key = IdempotencyKeys.forTurnCall(request.tenant(), conversation, request.turnId(), state.iteration,
				call.id());
		return new ToolInvocation(call.id(), call.function().name(), call.function().arguments(), request.tenant(),
				key);
	}

	/**
	 * The tool message content the model sees: the output JSON, or an error object it can
	 * reason about, framed as untrusted data and capped ({@link ToolResultFraming}). The
	 * {@code tool.result} event carries the output unframed: the client is not the party
	 * the frame protects, and it gets the JSON as the tool returned it.
	 */
	String content(TurnEvent.ToolResult result) {
		String json;
		if (result.isOk()) {
			JsonNode output = result.output();
			json = output == null ? "null" : this.jsonMapper.writeValueAsString(output);
		}
		else {
			json = this.jsonMapper.writeValueAsString(Map.of("error", result.error()));
		}
		return this.framing.frame(result.name(), result.callId(), result.status(), json);
	}

}
