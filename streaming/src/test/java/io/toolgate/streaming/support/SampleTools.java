package io.toolgate.streaming.support;

import java.util.List;

import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.ToolDefinition;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** Tools with varied schemas, and requests offering them, for simulated-model tests. */
public final class SampleTools {

	private static final JsonMapper JSON = StreamingJson.mapper();

	public static final List<ToolDefinition> TOOLS = List.of(
			tool("get_time", "Returns the current time in a timezone",
					"{\"type\":\"object\",\"properties\":{\"timezone\":{\"type\":\"string\",\"minLength\":1}},"
							+ "\"required\":[\"timezone\"],\"additionalProperties\":false}"),
			tool("add", "Adds two integers",
					"{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"integer\"},\"b\":{\"type\":\"integer\","
							+ "\"maximum\":100}},\"required\":[\"a\",\"b\"],\"additionalProperties\":false}"),
			tool("get-weather", "Weather forecast for a city",
					"{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\",\"minLength\":2},"
							+ "\"units\":{\"enum\":[\"celsius\",\"fahrenheit\"]},\"days\":{\"type\":\"integer\","
							+ "\"minimum\":1,\"maximum\":7}},\"required\":[\"city\"],\"additionalProperties\":false}"),
			tool("search_docs", "Search the documentation",
					"{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\",\"maxLength\":24},"
							+ "\"since\":{\"type\":\"string\",\"format\":\"date-time\"},"
							+ "\"ratio\":{\"type\":\"number\",\"exclusiveMinimum\":0,\"exclusiveMaximum\":1},"
							+ "\"exact\":{\"type\":\"boolean\"},\"filters\":{\"$ref\":\"#/$defs/filters\"}},"
							+ "\"required\":[\"query\",\"filters\"],\"additionalProperties\":false,"
							+ "\"$defs\":{\"filters\":{\"type\":\"object\",\"properties\":{\"tags\":{\"type\":\"array\","
							+ "\"items\":{\"type\":\"string\"},\"minItems\":2,\"uniqueItems\":true}},"
							+ "\"required\":[\"tags\"],\"additionalProperties\":false}}}"));

	private SampleTools() {
	}

	/**
	 * Returns a streaming request with a system prompt and {@code text} from the user,
	 * offering {@link #TOOLS}.
	 */
	public static ChatCompletionRequest request(String text) {
		return ChatCompletionRequest.of("toolgate-sim",
				List.of(ChatMessage.system("Be brief."), ChatMessage.user(text)), TOOLS, true);
	}

	/** Asserts that a call's arguments validate against its tool's parameters schema. */
	public static void assertSatisfiesSchema(ToolCall call) {
		ToolDefinition tool = TOOLS.stream()
			.filter((candidate) -> candidate.function().name().equals(call.function().name()))
			.findFirst()
			.orElseThrow();
		var schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
			.getSchema(JSON.writeValueAsString(tool.function().parameters()));
		assertThat(schema.validate(call.function().arguments(), InputFormat.JSON)).as(call.toString()).isEmpty();
	}

	private static ToolDefinition tool(String name, String description, String schema) {
		return ToolDefinition.of(name, description, JSON.readTree(schema));
	}

}
