package io.toolgate.dispatcher.tool;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The result of one tool call, success or structured failure: what the tool layer hands
 * to its callers, which turn it into their own form (a {@code tool.result} event, an HTTP
 * response). A failure is a value here, never an error signal.
 *
 * @param callId the call id
 * @param toolName the tool name as the caller gave it (it may name no tool)
 * @param status {@link Status#OK} or {@link Status#ERROR}
 * @param output the tool's JSON output when ok, else {@code null}
 * @param error the failure when not ok, else {@code null}
 * @param duration wall time of the call, all attempts included, in whole milliseconds (as
 * events and stored results carry it)
 * @param attempts how many times the tool was run (0 when it was not run at all)
 */
public record ToolResult(String callId, String toolName, Status status, @Nullable JsonNode output,
		@Nullable Error error, Duration duration, int attempts) {

	/**
	 * Checks that a failure has an error and a success none.
	 * @throws IllegalArgumentException if the status and the error disagree
	 */
	public ToolResult {
		if ((status == Status.ERROR) != (error != null)) {
			throw new IllegalArgumentException("an error result needs an error and an ok result none");
		}
	}

	/**
	 * A successful call.
	 * @param callId the call id
	 * @param toolName the tool name
	 * @param output the tool's output
	 * @param duration wall time, all attempts included
	 * @param attempts how many attempts ran
	 * @return the result
	 */
	public static ToolResult ok(String callId, String toolName, @Nullable JsonNode output, Duration duration,
			int attempts) {
		return new ToolResult(callId, toolName, Status.OK, output, null, duration, attempts);
	}

	/**
	 * A failed call.
	 * @param callId the call id
	 * @param toolName the tool name
	 * @param error what went wrong
	 * @param duration wall time, all attempts included
	 * @param attempts how many attempts ran
	 * @return the result
	 */
	public static ToolResult failed(String callId, String toolName, Error error, Duration duration, int attempts) {
		return new ToolResult(callId, toolName, Status.ERROR, null, error, duration, attempts);
	}

	/** Whether the call succeeded. */
	public boolean isOk() {
		return this.status == Status.OK;
	}

	/** Whether a call ended. */
	public enum Status {

		/** The tool answered. */
		OK("ok"),

		/** The call failed; {@link ToolResult#error()} says how. */
		ERROR("error");

		private final String wireName;

		Status(String wireName) {
			this.wireName = wireName;
		}

		/** The name events and stored results use: {@code ok} or {@code error}. */
		public String wireName() {
			return this.wireName;
		}

	}

	/**
	 * A tool failure as the model and the client see it.
	 *
	 * @param type the failure type: one of the {@link ToolExecutionException} types,
	 * {@code rate_limited}, {@value ToolFanOut#IDEMPOTENCY_CONFLICT} or
	 * {@value ToolFanOut#INTERRUPTED}
	 * @param message a description safe to show to the model and the client
	 * @param retryable whether calling again may succeed
	 */
	public record Error(String type, String message, boolean retryable) {

		/**
		 * The error of a failure.
		 * @param failure the failure
		 * @return its type, message and retryability
		 */
		public static Error of(ToolExecutionException failure) {
			return new Error(failure.errorType(), failure.getMessage(), failure.isRetryable());
		}

	}

}
