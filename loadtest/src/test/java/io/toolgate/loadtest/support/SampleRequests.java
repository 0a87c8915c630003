package io.toolgate.loadtest.support;

import java.util.List;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolDefinition;
import tools.jackson.databind.json.JsonMapper;

/** Chat requests offering two tools, for tests of the simulated upstream. */
public final class SampleRequests {

	private static final JsonMapper JSON = StreamingJson.mapper();

	/**
	 * A clock and an adder, with the schemas the streaming module's simulated-model tests
	 * use.
	 */
	public static final List<ToolDefinition> TOOLS = List.of(
			tool("get_time", "Returns the current time in a timezone",
					"{\"type\":\"object\",\"properties\":{\"timezone\":{\"type\":\"string\",\"minLength\":1}},"
							+ "\"required\":[\"timezone\"],\"additionalProperties\":false}"),
			tool("add", "Adds two integers",
					"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\","
							+ "\"maximum\":100}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}"));

	private SampleRequests() {
	}

	/**
	 * A streaming request with a system prompt and a user message, offering
	 * {@link #TOOLS}.
	 * @param text the user's message
	 * @return the request
	 */
	public static ChatCompletionRequest request(String text) {
		return ChatCompletionRequest.of("toolgate-sim",
				List.of(ChatMessage.system("Be brief."), ChatMessage.user(text)), TOOLS, true);
	}

	private static ToolDefinition tool(String name, String description, String schema) {
		return ToolDefinition.of(name, description, JSON.readTree(schema));
	}

}
