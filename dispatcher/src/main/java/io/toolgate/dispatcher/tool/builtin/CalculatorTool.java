package io.toolgate.dispatcher.tool.builtin;

import io.toolgate.dispatcher.tool.ToolExecutionException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code calculator}: one arithmetic operation. Arguments {@code {a, b, op}} with
 * {@code op} one of {@code add}, {@code subtract}, {@code multiply}, {@code divide}.
 * Dividing by zero is a non-retryable {@code tool_error}.
 */
public final class CalculatorTool implements BuiltinTool {

	private final JsonMapper json;

	/**
	 * Creates the tool.
	 * @param json the mapper building outputs
	 */
	public CalculatorTool(JsonMapper json) {
		this.json = json;
	}

	@Override
	public String name() {
		return "calculator";
	}

	@Override
	public Mono<JsonNode> invoke(JsonNode arguments) {
		double a = arguments.path("a").asDouble();
		double b = arguments.path("b").asDouble();
		String op = arguments.path("op").asString("");
		double result;
		switch (op) {
			case "add" -> result = a + b;
			case "subtract" -> result = a - b;
			case "multiply" -> result = a * b;
			case "divide" -> {
				if (b == 0) {
					return Mono.error(ToolExecutionException.toolError("Division by zero"));
				}
				result = a / b;
			}
			default -> {
				return Mono.error(ToolExecutionException.toolError("Unknown operation '" + op + "'"));
			}
		}
		ObjectNode output = this.json.createObjectNode();
		output.set("a", arguments.path("a"));
		output.set("b", arguments.path("b"));
		output.put("op", op);
		if (result == Math.rint(result) && Math.abs(result) < 1e15) {
			output.put("result", (long) result);
		}
		else {
			output.put("result", result);
		}
		return Mono.just(output);
	}

}
