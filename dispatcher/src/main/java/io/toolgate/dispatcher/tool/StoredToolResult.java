package io.toolgate.dispatcher.tool;

import java.time.Duration;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A {@link ToolResult} as {@link IdempotentDispatch} keeps it in the idempotency store.
 * The JSON is the one the {@code tool.result} event has always had ({@code callId},
 * {@code name}, {@code status}, {@code output}, {@code error}, {@code durationMs},
 * {@code attempts}), so that replicas of an earlier release, sharing the store during a
 * rolling update, read each other's records.
 *
 * @param callId the call id
 * @param name the tool name
 * @param status {@code ok} or {@code error}
 * @param output the output when ok
 * @param error the failure when not ok
 * @param durationMs wall time in milliseconds
 * @param attempts how many attempts ran
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record StoredToolResult(String callId, String name, String status, @Nullable JsonNode output,
		@Nullable StoredError error, long durationMs, int attempts) {

	static StoredToolResult of(ToolResult result) {
		ToolResult.Error error = result.error();
		return new StoredToolResult(result.callId(), result.toolName(), result.status().wireName(), result.output(),
				(error != null) ? new StoredError(error.type(), error.message(), error.retryable()) : null,
				result.duration().toMillis(), result.attempts());
	}

	ToolResult toResult() {
		Duration duration = Duration.ofMillis(this.durationMs);
		if (this.error == null) {
			return ToolResult.ok(this.callId, this.name, this.output, duration, this.attempts);
		}
		return ToolResult.failed(this.callId, this.name,
				new ToolResult.Error(this.error.type(), this.error.message(), this.error.retryable()), duration,
				this.attempts);
	}

	/**
	 * A stored failure.
	 *
	 * @param type the failure type
	 * @param message the description
	 * @param retryable whether calling again may succeed
	 */
	record StoredError(String type, String message, boolean retryable) {
	}

}
