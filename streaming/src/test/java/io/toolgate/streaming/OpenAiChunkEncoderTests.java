package io.toolgate.streaming;

import java.util.List;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.ToolCallAssembler;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiChunkEncoderTests {

	private final JsonMapper json = StreamingJson.mapper();

	private final OpenAiChunkEncoder encoder = new OpenAiChunkEncoder("chatcmpl-1", 1700000000, "gpt-x", true,
			StreamingJson.adapt(JsonMapper.builder().build()));

	@Test
	void encodesATurnAsChunksThatReassembleToTheAnswer() {
		ToolCallAssembler assembler = new ToolCallAssembler();
		List<TurnEvent> events = List.of(new TurnEvent.TurnStarted("t", "c", "gpt-x"), new TurnEvent.Token("Hel", 1),
				new TurnEvent.ToolCallStarted("call_1", "add", "{}", 1),
				new TurnEvent.ToolResult("call_1", "add", "ok", null, null, 1, 1), new TurnEvent.Token("lo", 2),
				new TurnEvent.TurnCompleted("stop", "Hello", Usage.of(3, 2), 2));
		List<ChatCompletionChunk> chunks = events.stream()
			.flatMap((event) -> this.encoder.chunks(event).stream())
			.toList();
		chunks.forEach(assembler::accept);
		assertThat(chunks.get(0).choices().get(0).delta().role()).isEqualTo("assistant");
		assertThat(chunks).hasSize(5)
			.allMatch((chunk) -> chunk.id().equals("chatcmpl-1") && chunk.model().equals("gpt-x"));
		assertThat(assembler.content()).isEqualTo("Hello");
		assertThat(assembler.finishReason()).isEqualTo("stop");
		assertThat(chunks.get(4).choices()).isEmpty();
		assertThat(chunks.get(4).usage()).isEqualTo(Usage.of(3, 2));
	}

	@Test
	void endsTheStreamWithDone() {
		List<String> payloads = this.encoder.encode(new TurnEvent.TurnCompleted("deadline", "x", Usage.ZERO, 1));
		assertThat(payloads).hasSize(4).last().isEqualTo("[DONE]");
		JsonNode finish = this.json.readTree(payloads.get(1));
		assertThat(finish.path("choices").path(0).path("finish_reason").asString()).isEqualTo("length");
		assertThat(finish.path("object").asString()).isEqualTo("chat.completion.chunk");
	}

	@Test
	void mapsEndReasons() {
		assertThat(OpenAiChunkEncoder.finishReason("stop")).isEqualTo("stop");
		assertThat(OpenAiChunkEncoder.finishReason("tool_calls")).isEqualTo("tool_calls");
		assertThat(OpenAiChunkEncoder.finishReason("max_iterations")).isEqualTo("length");
		assertThat(OpenAiChunkEncoder.finishReason("loop_detected")).isEqualTo("length");
		assertThat(OpenAiChunkEncoder.finishReason("something_new")).isEqualTo("stop");
	}

	@Test
	void encodesErrorsAsOpenAiErrorObjects() {
		List<String> payloads = this.encoder
			.encode(new TurnEvent.Error("upstream_error", "model failed", "upstream_unavailable"));
		assertThat(payloads).last().isEqualTo("[DONE]");
		JsonNode error = this.json.readTree(payloads.get(payloads.size() - 2)).path("error");
		assertThat(error.path("message").asString()).isEqualTo("model failed");
		assertThat(error.path("type").asString()).isEqualTo("upstream_error");
		assertThat(error.path("code").asString()).isEqualTo("upstream_unavailable");
	}

	@Test
	void returnsClientToolCallsOnceWithTheirFinishReason() {
		List<ToolCall> calls = List.of(ToolCall.of("call_1", "lookup", "{\"q\":\"x\"}"),
				ToolCall.of("call_2", "open", "{}"));
		ToolCallAssembler assembler = new ToolCallAssembler();
		this.encoder.roleChunkIfNeeded().forEach(assembler::accept);
		assembler.accept(this.encoder.toolCallsChunk(calls));
		List<ChatCompletionChunk> closing = this.encoder
			.chunks(new TurnEvent.TurnCompleted("tool_calls", null, Usage.ZERO, 1));
		closing.forEach(assembler::accept);
		assertThat(assembler.toolCalls()).isEqualTo(calls);
		assertThat(assembler.finishReason()).isEqualTo("tool_calls");
		assertThat(closing).hasSize(1).allMatch((chunk) -> chunk.usage() != null);
	}

	@Test
	void sendsNothingForGatewayToolEvents() {
		this.encoder.chunks(new TurnEvent.TurnStarted("t", "c", "m"));
		assertThat(this.encoder.encode(new TurnEvent.ToolCallStarted("call_1", "add", "{}", 1))).isEmpty();
		assertThat(OpenAiChunkEncoder.of("m", false).completionId()).startsWith("chatcmpl-").hasSize(33);
	}

	@Test
	void writesContentChunksByteForByteAsTheMapperDoes() {
		OpenAiChunkEncoder quoted = new OpenAiChunkEncoder("chatcmpl-2", 1700000001, "model \"q\"/é", false,
				StreamingJson.adapt(JsonMapper.builder().build()));
		for (String text : List.of("Hel", " ", "quote \" and \\ backslash", "line\nbreak\ttab\u0001", "unicode é 中文 😀",
				"</script>", "\u2028\u2029")) {
			String expected = quoted.toJson(ChatCompletionChunk.of("chatcmpl-2", 1700000001, "model \"q\"/é",
					ChatCompletionChunk.Delta.content(text), null));
			assertThat(new String(quoted.contentChunkJson(text), java.nio.charset.StandardCharsets.UTF_8))
				.isEqualTo(expected);
		}
	}

}
