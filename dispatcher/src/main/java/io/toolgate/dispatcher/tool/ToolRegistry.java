package io.toolgate.dispatcher.tool;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import io.toolgate.streaming.openai.ToolDefinition;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tools this gateway runs, resolved once at start-up and immutable afterwards.
 * Thread-safe.
 */
public final class ToolRegistry {

	private final Map<String, RegisteredTool> tools;

	private final List<ToolDefinition> definitions;

	private ToolRegistry(List<RegisteredTool> tools) {
		Map<String, RegisteredTool> byName = new LinkedHashMap<>();
		for (RegisteredTool tool : tools) {
			if (byName.putIfAbsent(tool.name(), tool) != null) {
				throw new IllegalArgumentException("Duplicate tool '" + tool.name() + "'");
			}
		}
		this.tools = byName;
		this.definitions = tools.stream().map(RegisteredTool::definition).toList();
	}

	/**
	 * Creates a registry of ready tools.
	 * @param tools the tools; names must be unique
	 * @return the registry, in the given order
	 */
	public static ToolRegistry of(List<RegisteredTool> tools) {
		return new ToolRegistry(List.copyOf(tools));
	}

	/**
	 * Compiles specs into ready tools: a schema validator, the executor for its
	 * {@link ExecutorSpec}, a bulkhead and a circuit breaker each.
	 * @param specs the specs, as the
	 * {@link io.toolgate.dispatcher.tool.registry.ToolRegistryLoader} returns them
	 * @param executors the executor for each executor spec (e.g. the shared HTTP executor
	 * for every {@link ExecutorSpec.Http})
	 * @param bulkheadMaxWaiting how many calls may wait for a permit of one tool
	 * @param json the mapper arguments are parsed with
	 * @return the registry, in the specs' order
	 * @throws IllegalArgumentException if a schema does not compile or names repeat
	 */
	public static ToolRegistry of(List<ToolSpec> specs, Function<ExecutorSpec, ToolExecutor> executors,
			int bulkheadMaxWaiting, JsonMapper json) {
		List<RegisteredTool> tools = new ArrayList<>();
		for (ToolSpec spec : specs) {
			tools.add(new RegisteredTool(spec, ToolArgumentsValidator.compile(spec.inputSchema(), json),
					executors.apply(spec.executor()),
					new ToolBulkhead(spec.name(), spec.maxConcurrency(), bulkheadMaxWaiting),
					ToolCircuitBreaker.of(spec.name(), spec.circuitBreaker())));
		}
		return of(tools);
	}

	/**
	 * Finds a tool by its exact name.
	 * @param name the name the model or client gave
	 * @return the tool, or empty if there is none
	 */
	public Optional<RegisteredTool> find(String name) {
		return Optional.ofNullable(this.tools.get(name));
	}

	/** Every tool, in registry order. */
	public List<RegisteredTool> all() {
		return List.copyOf(this.tools.values());
	}

	/**
	 * The OpenAI tool definitions of every tool, in registry order, for the model
	 * request.
	 */
	public List<ToolDefinition> definitions() {
		return this.definitions;
	}

}
