package io.toolgate.dispatcher.tool.builtin;

import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * A tool implemented inside the gateway, referenced from the registry by {@link #name()}.
 */
public interface BuiltinTool {

	/** The name the registry's {@code executor.builtin} refers to. */
	String name();

	/**
	 * Runs the tool. Must not block.
	 * @param arguments the arguments, already validated against the registry's schema for
	 * the tool
	 * @return the JSON output; emits
	 * {@link io.toolgate.dispatcher.tool.ToolExecutionException} for a failure
	 */
	Mono<JsonNode> invoke(JsonNode arguments);

}
