package io.toolgate.dispatcher.tool.builtin;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.ToolExecution;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.dispatcher.tool.ToolExecutor;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs {@link BuiltinTool}s by the name in the tool's {@link ExecutorSpec.Builtin}. */
public final class BuiltinToolExecutor implements ToolExecutor {

	private final Map<String, BuiltinTool> tools = new LinkedHashMap<>();

	/**
	 * Creates an executor over the given built-ins.
	 * @param tools the built-ins; names must be unique
	 */
	public BuiltinToolExecutor(List<BuiltinTool> tools) {
		for (BuiltinTool tool : tools) {
			if (this.tools.putIfAbsent(tool.name(), tool) != null) {
				throw new IllegalArgumentException("Duplicate built-in tool '" + tool.name() + "'");
			}
		}
	}

	/**
	 * An executor over the demo built-ins: clock, calculator, lookup, slow_echo, weather
	 * and send_email.
	 */
	public static BuiltinToolExecutor withDemoTools(JsonMapper json) {
		return new BuiltinToolExecutor(List.of(new ClockTool(json), new CalculatorTool(json), new LookupTool(json),
				new SlowEchoTool(json), new WeatherTool(json), new SendEmailTool(json)));
	}

	/** The names of the built-ins this executor runs. */
	public Set<String> names() {
		return Set.copyOf(this.tools.keySet());
	}

	@Override
	public Mono<JsonNode> execute(ToolExecution execution) {
		if (!(execution.tool().executor() instanceof ExecutorSpec.Builtin builtin)) {
			return Mono.error(new IllegalArgumentException("Tool '" + execution.tool().name() + "' is not built-in"));
		}
		BuiltinTool tool = this.tools.get(builtin.name());
		if (tool == null) {
			return Mono.error(ToolExecutionException.toolError("No built-in tool '" + builtin.name() + "'"));
		}
		// Defer so that a synchronous failure of the tool is an error signal of this
		// attempt, not a throw.
		return Mono.defer(() -> tool.invoke(execution.arguments()));
	}

}
