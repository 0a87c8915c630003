package io.toolgate.streaming.upstream;

import java.util.List;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ChatCompletionChunk.Delta;
import io.toolgate.streaming.openai.ChatCompletionChunk.FunctionDelta;
import io.toolgate.streaming.openai.ChatCompletionChunk.ToolCallDelta;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ToolCallAssemblerTests {

	@Test
	void assemblesInterleavedFragmentedCallsInIndexOrder() {
		ToolCallAssembler assembler = new ToolCallAssembler();
		assembler.add(head(1, "call_b", "add"));
		assembler.add(head(0, "call_a", "get_time"));
		assembler.add(arguments(1, "{\"a\":"));
		assembler.add(arguments(0, "{\"zone\""));
		assembler.add(arguments(1, "3,\"b\""));
		assembler.add(arguments(0, ":\"UTC\"}"));
		assembler.add(arguments(1, ":4}"));
		assertThat(assembler.toolCalls()).containsExactly(ToolCall.of("call_a", "get_time", "{\"zone\":\"UTC\"}"),
				ToolCall.of("call_b", "add", "{\"a\":3,\"b\":4}"));
	}

	@Test
	void keepsTheFirstIdAndName() {
		ToolCallAssembler assembler = new ToolCallAssembler();
		assembler.add(head(0, "call_1", "add"));
		assembler.add(new ToolCallDelta(0, "call_other", "function", new FunctionDelta("add", "{}")));
		assertThat(assembler.toolCalls()).containsExactly(ToolCall.of("call_1", "add", "{}"));
	}

	@Test
	void generatesIdsForCallsWithoutOne() {
		ToolCallAssembler assembler = new ToolCallAssembler();
		assembler.add(new ToolCallDelta(0, null, null, new FunctionDelta("add", "{\"a\":1}")));
		assertThat(assembler.toolCalls()).containsExactly(ToolCall.of("call_0", "add", "{\"a\":1}"));
		ToolCallAssembler fromChunks = new ToolCallAssembler();
		fromChunks.accept(ChatCompletionChunk.of("cmpl-9", 1, "m",
				new Delta(null, null, List.of(new ToolCallDelta(2, null, null, new FunctionDelta("add", null)))),
				null));
		assertThat(fromChunks.toolCalls()).containsExactly(ToolCall.of("call_cmpl-9_2", "add", "{}"));
	}

	@Test
	void buildsMessageFromChunks() {
		ToolCallAssembler assembler = new ToolCallAssembler();
		assertThat(assembler.accept(ChatCompletionChunk.of("c", 1, "m", new Delta("assistant", "", null), null)))
			.isNull();
		assertThat(assembler.accept(ChatCompletionChunk.of("c", 1, "m", Delta.content("Hel"), null))).isEqualTo("Hel");
		assembler.accept(ChatCompletionChunk.of("c", 1, "m", Delta.content("lo"), null));
		assembler.accept(ChatCompletionChunk.of("c", 1, "m", new Delta(null, null, null), "stop"));
		assertThat(assembler.message()).isEqualTo(ChatMessage.assistant("Hello"));
		assertThat(assembler.finishReason()).isEqualTo("stop");
	}

	@Test
	void messageWithOnlyToolCallsHasNoText() {
		ToolCallAssembler assembler = new ToolCallAssembler();
		assembler.add(head(0, "call_1", "add"));
		assertThat(assembler.message().content()).isNull();
		assertThat(assembler.message().hasToolCalls()).isTrue();
		assertThat(assembler.effectiveFinishReason()).isEqualTo("tool_calls");
	}

	private static ToolCallDelta head(int index, String id, String name) {
		return new ToolCallDelta(index, id, "function", new FunctionDelta(name, ""));
	}

	private static ToolCallDelta arguments(int index, String fragment) {
		return new ToolCallDelta(index, null, null, new FunctionDelta(null, fragment));
	}

}
