package io.toolgate.dispatcher.tool;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Runs one attempt of a tool call. */
@FunctionalInterface
public interface ToolExecutor {

	/**
	 * Runs the tool once. The returned {@code Mono} is lazy: each subscription is a new
	 * attempt. It must not block; the caller bounds it with the tool's timeout and
	 * cancels it when that elapses.
	 * @param execution the attempt
	 * @return the tool's JSON output; emits {@link ToolExecutionException} for a failure
	 * with a known type and retryability; any other error is treated as a retryable
	 * {@code worker_error}
	 */
	Mono<JsonNode> execute(ToolExecution execution);

}
