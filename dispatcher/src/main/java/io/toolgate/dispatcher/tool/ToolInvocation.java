package io.toolgate.dispatcher.tool;

import org.jspecify.annotations.Nullable;

/**
 * A request to run one tool, as the turn loop (from a model tool call) or the direct
 * invocation API makes it.
 *
 * @param callId the call id (the model's tool-call id, or the invocation id)
 * @param toolName the tool's name as the caller gave it (it may not exist)
 * @param arguments the arguments as a JSON document, as produced by the model (possibly
 * invalid JSON)
 * @param tenant the tenant the call runs for
 * @param idempotencyKey passed to the tool worker as {@code Idempotency-Key} when not
 * {@code null}
 */
public record ToolInvocation(String callId, String toolName, String arguments, String tenant,
		@Nullable String idempotencyKey) {
}
