package io.toolgate.streaming.openai;

import java.util.List;

import io.toolgate.streaming.StreamingJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ToolDefinitionTests {

	private final JsonMapper jsonMapper = StreamingJson.mapper();

	private final JsonNode schema = this.jsonMapper.readTree("{\"type\":\"object\",\"properties\":{\"timezone\":"
			+ "{\"type\":\"string\",\"description\":\"IANA name, \\\"UTC\\\" by default\"}},\"required\":[\"timezone\"]}");

	@Test
	void renderedDefinitionWritesTheSameJson() {
		ToolDefinition plain = ToolDefinition.of("clock", "The time", this.schema);
		ToolDefinition rendered = ToolDefinition.rendered("clock", "The time", this.schema);
		ChatCompletionRequest request = ChatCompletionRequest.of("m", List.of(ChatMessage.user("hi")),
				List.of(rendered, plain), true);
		String json = this.jsonMapper.writeValueAsString(request);
		assertThat(this.jsonMapper.readTree(json).get("tools").get(0))
			.isEqualTo(this.jsonMapper.readTree(json).get("tools").get(1));
		assertThat(this.jsonMapper.writeValueAsString(rendered)).isEqualTo(this.jsonMapper.writeValueAsString(plain));
	}

	@Test
	void renderedSchemaReadsLikeTheSchema() {
		JsonNode parameters = ToolDefinition.rendered("clock", null, this.schema).function().parameters();
		assertThat(parameters).isEqualTo(this.schema);
		assertThat(parameters.path("properties").path("timezone").path("type").asString()).isEqualTo("string");
		JsonNode copied = this.jsonMapper.valueToTree(parameters);
		assertThat(copied).isEqualTo(this.schema);
	}

	@Test
	void nonObjectSchemaIsKeptAsIs() {
		JsonNode always = this.jsonMapper.getNodeFactory().booleanNode(true);
		assertThat(ToolDefinition.rendered("any", null, always).function().parameters()).isSameAs(always);
	}

}
