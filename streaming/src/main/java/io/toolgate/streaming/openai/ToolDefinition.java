package io.toolgate.streaming.openai;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A tool offered to the model in a request.
 *
 * @param type always {@code function}
 * @param function the function's name, description and JSON Schema of its parameters
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolDefinition(String type, Function function) {

	/**
	 * Returns a function tool definition for a tool offered in many requests: its
	 * parameter schema is rendered to JSON once, and written from that text afterwards.
	 * The schema must not be modified afterwards.
	 */
	public static ToolDefinition rendered(String name, @Nullable String description, JsonNode parameters) {
		return new ToolDefinition("function", new Function(name, description, RenderedObjectNode.of(parameters)));
	}

	/** Returns a function tool definition. */
	public static ToolDefinition of(String name, @Nullable String description, JsonNode parameters) {
		return new ToolDefinition("function", new Function(name, description, parameters));
	}

	/**
	 * A function the model may call.
	 *
	 * @param name the name
	 * @param description what it does, for the model
	 * @param parameters the JSON Schema of its arguments object
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Function(String name, @Nullable String description, @Nullable JsonNode parameters) {
	}

}
