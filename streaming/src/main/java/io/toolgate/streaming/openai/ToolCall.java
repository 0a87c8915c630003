package io.toolgate.streaming.openai;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A complete tool call of an assistant message.
 *
 * @param id the call id, unique within the conversation
 * @param type always {@code function}
 * @param function the function name and its JSON-encoded arguments
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ToolCall(String id, String type, FunctionCall function) {

	/** Returns a function tool call. */
	public static ToolCall of(String id, String name, String arguments) {
		return new ToolCall(id, "function", new FunctionCall(name, arguments));
	}

	/**
	 * The function a tool call invokes.
	 *
	 * @param name the tool name
	 * @param arguments the arguments as a JSON document, as the model produced it
	 * (possibly invalid JSON)
	 */
	public record FunctionCall(String name, String arguments) {
	}

}
