package io.toolgate.streaming;

import java.math.BigDecimal;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * An event of a conversation turn. Each record serialises to the JSON {@code data} of its
 * SSE event; the event name is {@link #type()}. Ids are not part of the event: the turn's
 * event log assigns them.
 */
public sealed interface TurnEvent {

	/** The SSE event name, e.g. {@code token}. */
	String type();

	/**
	 * The record of an event name, for reading stored events back;
	 * {@link Error#LEGACY_TYPE} reads as an error.
	 * @param type an event's {@link #type()}
	 * @return its record class, or null for a name no event has
	 */
	static @Nullable Class<? extends TurnEvent> classOf(String type) {
		return switch (type) {
			case "turn.started" -> TurnStarted.class;
			case "turn.resumed" -> TurnResumed.class;
			case Token.TYPE -> Token.class;
			case "tool.call" -> ToolCallStarted.class;
			case "tool.result" -> ToolResult.class;
			case ApprovalRequired.TYPE -> ApprovalRequired.class;
			case ApprovalResolved.TYPE -> ApprovalResolved.class;
			case UsageUpdate.TYPE -> UsageUpdate.class;
			case TurnCompleted.TYPE -> TurnCompleted.class;
			case Error.TYPE, Error.LEGACY_TYPE -> Error.class;
			default -> null;
		};
	}

	/**
	 * Whether this event ends the turn's stream ({@code turn.completed} or
	 * {@code turn.error}).
	 */
	@JsonIgnore
	default boolean isTerminal() {
		return false;
	}

	/**
	 * The turn began.
	 *
	 * @param turnId the turn id
	 * @param conversationId the conversation id
	 * @param model the model answering
	 */
	record TurnStarted(String turnId, String conversationId, String model) implements TurnEvent {

		@Override
		public String type() {
			return "turn.started";
		}

	}

	/**
	 * Another replica took the turn over after the one running it stopped (it died, was
	 * drained or lost its lease), and continues it from its last stored step. Events of
	 * {@code iteration} before this one that the continuation repeats (the model is asked
	 * again for an answer it had not finished) come again after it.
	 *
	 * @param turnId the turn id
	 * @param conversationId the conversation id
	 * @param model the model answering
	 * @param iteration the model call (1-based) the turn continues with
	 */
	record TurnResumed(String turnId, String conversationId, String model, int iteration) implements TurnEvent {

		@Override
		public String type() {
			return "turn.resumed";
		}

	}

	/**
	 * A text fragment of the model's answer.
	 *
	 * @param text the fragment
	 * @param iteration the model call (1-based) it came from
	 */
	record Token(String text, int iteration) implements TurnEvent {

		/** The event's type. */
		public static final String TYPE = "token";

		@Override
		public String type() {
			return TYPE;
		}

	}

	/**
	 * The model asked for a tool call; Toolgate is about to execute it.
	 *
	 * @param callId the call id
	 * @param name the tool name
	 * @param arguments the arguments as the model produced them (a JSON document,
	 * possibly invalid)
	 * @param iteration the model call (1-based) that asked for it
	 */
	record ToolCallStarted(String callId, String name, String arguments, int iteration) implements TurnEvent {

		@Override
		public String type() {
			return "tool.call";
		}

	}

	/**
	 * The result of a tool call, success or structured failure.
	 *
	 * @param callId the call id
	 * @param name the tool name
	 * @param status {@code ok} or {@code error}
	 * @param output the tool's JSON output when ok
	 * @param error the failure when not ok
	 * @param durationMs wall time of the call, all attempts included
	 * @param attempts how many times the tool was run (0 when it was not run at all)
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ToolResult(String callId, String name, String status, @Nullable JsonNode output, @Nullable ToolError error,
			long durationMs, int attempts) implements TurnEvent {

		@Override
		public String type() {
			return "tool.result";
		}

		/** Whether the call succeeded. */
		@JsonIgnore
		public boolean isOk() {
			return "ok".equals(this.status);
		}

	}

	/**
	 * A tool call was held for a reviewer's decision and did not run; once every held
	 * call of the step has one, the turn suspends (no event follows until a decision
	 * arrives, at {@code POST /v1/approvals/{approvalId}}).
	 *
	 * @param approvalId the approval to decide
	 * @param callId the call id
	 * @param name the tool name
	 * @param arguments the arguments as the model produced them (a JSON document)
	 * @param argumentsHash {@code sha256:} and the hex SHA-256 of {@code arguments}
	 * @param reason why the call was held
	 * @param decisions the decisions a reviewer may take
	 * @param expiresAt when the approval expires and the call is denied (ISO-8601)
	 * @param iteration the model call (1-based) that asked for the call
	 */
	record ApprovalRequired(String approvalId, String callId, String name, String arguments, String argumentsHash,
			String reason, List<String> decisions, String expiresAt, int iteration) implements TurnEvent {

		/** The event's type. */
		public static final String TYPE = "approval.required";

		@Override
		public String type() {
			return TYPE;
		}

	}

	/**
	 * A held tool call was decided; the turn continues with it: the call runs (approved,
	 * possibly with edited arguments) or gets an error result (rejected or expired).
	 *
	 * @param approvalId the approval
	 * @param callId the call id
	 * @param name the tool name
	 * @param decision {@code approved}, {@code edited}, {@code rejected} or
	 * {@code expired}
	 * @param reason the reviewer's reason, if any
	 * @param arguments the arguments the call runs with when edited
	 * @param iteration the model call (1-based) that asked for the call
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record ApprovalResolved(String approvalId, String callId, String name, String decision, @Nullable String reason,
			@Nullable String arguments, int iteration) implements TurnEvent {

		/** The event's type. */
		public static final String TYPE = "approval.resolved";

		@Override
		public String type() {
			return TYPE;
		}

	}

	/**
	 * A tool failure as the model and the client see it.
	 *
	 * @param type the failure type, e.g. {@code invalid_arguments}, {@code unknown_tool},
	 * {@code timeout}, {@code worker_error}, {@code rate_limited}
	 * @param message a human-readable description
	 * @param retryable whether calling again may succeed
	 */
	record ToolError(String type, String message, boolean retryable) {
	}

	/**
	 * The usage of the turn so far, after each of its model calls, when spend is
	 * accounted (a price or budget is configured) or the tenant's turns are capped:
	 * tokens summed over its model calls and what they cost, priced with the price table
	 * (0 for models without a price).
	 *
	 * @param usage token usage summed over the turn's model calls so far
	 * @param iteration the model call (1-based) just reconciled
	 * @param costMicros the turn's running cost in micro-units (a millionth of the price
	 * table's currency)
	 * @param cost the same as a decimal amount with six decimals, e.g. {@code 0.000150}
	 */
	record UsageUpdate(Usage usage, int iteration, long costMicros, String cost) implements TurnEvent {

		/** The event's type. */
		public static final String TYPE = "usage";

		@Override
		public String type() {
			return TYPE;
		}

	}

	/**
	 * The budget or cap that ended a turn with {@code budget_exhausted}.
	 *
	 * @param budget which: {@code turn_tokens}, {@code turn_tool_calls},
	 * {@code turn_cost}, {@code tenant_daily}, {@code tenant_monthly} or
	 * {@code conversation}
	 * @param message a description naming it, its limit and what was used
	 * @param limit its limit: tokens, tool calls or an amount of money
	 * @param used what the turn (for a turn cap) or the budget's account held when the
	 * turn ended, in the limit's unit
	 */
	record ExhaustedBudget(String budget, String message, BigDecimal limit, BigDecimal used) {
	}

	/**
	 * The turn ended.
	 *
	 * @param reason why: {@code stop} (the model answered), {@code length},
	 * {@code max_iterations}, {@code loop_detected}, {@code deadline},
	 * {@code budget_exhausted} (a budget or cap of the turn would have been passed; see
	 * {@code budget}) or {@code tool_calls} (client-side tools returned to the client)
	 * @param content the final answer text
	 * @param toolCalls when {@code reason} is {@code tool_calls}: the calls of tools the
	 * client defined, which the client executes itself
	 * @param usage token usage summed over every model call of the turn
	 * @param iterations how many model calls the turn made
	 * @param budget when {@code reason} is {@code budget_exhausted}: which budget, its
	 * limit and what was used
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	record TurnCompleted(String reason, @Nullable String content, @Nullable List<ToolCall> toolCalls, Usage usage,
			int iterations, @Nullable ExhaustedBudget budget) implements TurnEvent {

		/** The event's type. */
		public static final String TYPE = "turn.completed";

		/** The reason of a turn ended by a budget or cap. */
		public static final String BUDGET_EXHAUSTED = "budget_exhausted";

		/** Creates a completion that no budget ended. */
		public TurnCompleted(String reason, @Nullable String content, @Nullable List<ToolCall> toolCalls, Usage usage,
				int iterations) {
			this(reason, content, toolCalls, usage, iterations, null);
		}

		/** Creates a completion without client tool calls. */
		public TurnCompleted(String reason, @Nullable String content, Usage usage, int iterations) {
			this(reason, content, null, usage, iterations, null);
		}

		@Override
		public String type() {
			return TYPE;
		}

		@Override
		@JsonIgnore
		public boolean isTerminal() {
			return true;
		}

	}

	/**
	 * The turn failed and ended. Named {@code turn.error}: a browser's
	 * {@code EventSource} fires its own {@code error} event on every dropped connection,
	 * so an event of that name could not be told apart.
	 *
	 * @param errorType the error type, as in HTTP error bodies
	 * @param message a description safe to show to the client
	 * @param code a stable machine-readable code
	 */
	record Error(String errorType, String message, String code) implements TurnEvent {

		/** The event name. */
		public static final String TYPE = "turn.error";

		/**
		 * The name this event had before {@link #TYPE}; event logs written by earlier
		 * releases may still hold it.
		 */
		public static final String LEGACY_TYPE = "error";

		@Override
		public String type() {
			return TYPE;
		}

		@Override
		@JsonIgnore
		public boolean isTerminal() {
			return true;
		}

	}

}
