package io.toolgate.dispatcher.tool;

import io.toolgate.streaming.openai.ToolDefinition;

/**
 * A tool ready to run: its resolved spec, compiled argument validator, executor and
 * bulkhead and circuit breaker.
 *
 * @param spec the resolved spec
 * @param validator checks arguments against {@link ToolSpec#inputSchema()}
 * @param executor runs an attempt
 * @param bulkhead bounds in-flight attempts to {@link ToolSpec#maxConcurrency()}
 * @param circuitBreaker cuts the tool off while its attempts fail, per
 * {@link ToolSpec#circuitBreaker()}
 */
public record RegisteredTool(ToolSpec spec, ToolArgumentsValidator validator, ToolExecutor executor,
		ToolBulkhead bulkhead, ToolCircuitBreaker circuitBreaker) {

	/** The tool's name. */
	public String name() {
		return this.spec.name();
	}

	/**
	 * The OpenAI tool definition offered to the model, its schema rendered once for the
	 * requests it goes into.
	 */
	public ToolDefinition definition() {
		return ToolDefinition.rendered(this.spec.name(), this.spec.description(), this.spec.inputSchema());
	}

}
