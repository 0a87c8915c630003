package io.toolgate.streaming.upstream;

import java.util.List;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionChunk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class ChunkReaderTests {

	private final JsonMapper jsonMapper = StreamingJson.mapper();

	private final ChunkReader reader = new ChunkReader(this.jsonMapper);

	@ParameterizedTest
	@ValueSource(strings = {
			"{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}",
			"{\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]}",
			"{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
			"{\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":34,\"total_tokens\":46,\"prompt_tokens_details\":{\"cached_tokens\":0}}}",
			"{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"caf\\u00e9 \\\"quoted\\\" \\n \\uD83D\\uDE00\"}}],\"usage\":null}",
			"{\"choices\":[{\"delta\":{\"content\":null,\"tool_calls\":null,\"refusal\":null}}],\"system_fingerprint\":\"fp\",\"service_tier\":{\"a\":[1,2,{\"b\":3}]}}",
			"{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"clock\",\"arguments\":\"\"}}]}}]}",
			"{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"tz\\\":\"}}]}}]}",
			"{\"id\":\"c1\",\"choices\":[{\"index\":1,\"delta\":{\"content\":\"a\"}},{\"index\":0,\"delta\":{\"content\":\"b\"}}]}",
			"{\"id\":\"c1\",\"choices\":null}", "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}",
			"{\"id\":\"c1\",\"id\":\"c2\",\"choices\":[]}",
			"{\"id\":42,\"created\":\"1700000000\",\"choices\":[{\"index\":0,\"delta\":{\"content\":7}}]}",
			"{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":true}}],\"usage\":{\"total_tokens\":1.5}}",
			"{}" })
	void readsWhatDataBindingReads(String json) {
		ChatCompletionChunk expected = this.jsonMapper.readValue(json, ChatCompletionChunk.class);
		assertThat(this.reader.read(json)).isEqualTo(expected);
	}

	@Test
	void readsTextDeltaAndUsageWithoutDataBinding() {
		ChunkReader streamingOnly = new ChunkReader(JsonMapper.builder()
			.addModule(new SimpleModule().addDeserializer(ChatCompletionChunk.class, new ValueDeserializer<>() {
				@Override
				public ChatCompletionChunk deserialize(JsonParser parser, DeserializationContext context) {
					throw new IllegalStateException("bound by the mapper");
				}
			}))
			.build());
		ChatCompletionChunk chunk = streamingOnly.read(
				"{\"id\":\"c\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":\"stop\"}],"
						+ "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":1,\"total_tokens\":4}}");
		assertThat(chunk.choices()).singleElement().satisfies((choice) -> {
			assertThat(choice.delta().content()).isEqualTo("Hi");
			assertThat(choice.finishReason()).isEqualTo("stop");
		});
		assertThat(chunk.usage().totalTokens()).isEqualTo(4);
	}

	@Test
	void handsToolCallFragmentsToDataBinding() {
		ChatCompletionChunk chunk = this.reader.read("{\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
				+ "[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"clock\",\"arguments\":\"{}\"}}]}}]}");
		assertThat(chunk.choices().get(0).delta().toolCalls())
			.isEqualTo(List.of(new ChatCompletionChunk.ToolCallDelta(0, "call_1", "function",
					new ChatCompletionChunk.FunctionDelta("clock", "{}"))));
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"id\":\"c1\",\"choices\":[", "not json",
			"{\"choices\":[{\"delta\":{\"content\":\"x\"}}]} trailing",
			"{\"choices\":[{\"index\":3000000000,\"delta\":{\"content\":\"x\"}}]}" })
	void failsWhereDataBindingFails(String json) {
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> this.jsonMapper.readValue(json, ChatCompletionChunk.class));
		assertThatExceptionOfType(JacksonException.class).isThrownBy(() -> this.reader.read(json));
	}

}
