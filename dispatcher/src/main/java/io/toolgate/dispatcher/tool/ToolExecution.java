package io.toolgate.dispatcher.tool;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * One attempt of a tool call, handed to a {@link ToolExecutor}. The arguments were
 * validated against the tool's schema before.
 *
 * @param tool the tool
 * @param arguments the validated arguments object
 * @param callId the call id
 * @param tenant the tenant the call runs for
 * @param idempotencyKey the caller's idempotency key, the same for every attempt, or
 * {@code null}
 * @param attempt the attempt number, from 1
 */
public record ToolExecution(ToolSpec tool, JsonNode arguments, String callId, String tenant,
		@Nullable String idempotencyKey, int attempt) {
}
