package io.toolgate.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ChatCompletionChunk.Delta;
import io.toolgate.streaming.openai.ChatCompletionChunk.FunctionDelta;
import io.toolgate.streaming.openai.ChatCompletionChunk.ToolCallDelta;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;
import org.jspecify.annotations.Nullable;

/**
 * Builds the chunks of one chat-completion stream, each carrying the stream's completion
 * id, creation time and model, and maps turn end reasons to OpenAI finish reasons. Keeps
 * no record of what was sent (that is {@link OpenAiChunkEncoder}'s job), only the bytes
 * every content chunk starts with, built on first use. Not thread-safe.
 */
final class CompletionChunks {

	private static final Map<String, String> FINISH_REASONS = Map.of("stop", "stop", "length", "length", "tool_calls",
			"tool_calls", "content_filter", "content_filter", "max_iterations", "length", "deadline", "length",
			"loop_detected", "length", "budget_exhausted", "length");

	private final String completionId;

	private final long created;

	private final String model;

	/**
	 * The bytes every content chunk of this stream starts with, built on the first one.
	 */
	private byte @Nullable [] contentPrefix;

	CompletionChunks(String completionId, long created, String model) {
		this.completionId = completionId;
		this.created = created;
		this.model = model;
	}

	String completionId() {
		return this.completionId;
	}

	long created() {
		return this.created;
	}

	String model() {
		return this.model;
	}

	/** The first chunk of a stream: {@code role: assistant} with empty content. */
	ChatCompletionChunk role() {
		return chunk(new Delta(ChatMessage.ASSISTANT, "", null), null);
	}

	/** A content delta. */
	ChatCompletionChunk content(String text) {
		return chunk(Delta.content(text), null);
	}

	/** A chunk with an empty delta and the finish reason of a turn's end reason. */
	ChatCompletionChunk finish(String turnReason) {
		return chunk(new Delta(null, null, null), finishReason(turnReason));
	}

	/** The usage-only chunk that ends a stream. */
	ChatCompletionChunk usage(Usage usage) {
		return ChatCompletionChunk.usage(this.completionId, this.created, this.model, usage);
	}

	/**
	 * One delta per call, each whole at its index, with finish reason {@code tool_calls}.
	 */
	ChatCompletionChunk toolCalls(List<ToolCall> toolCalls) {
		List<ToolCallDelta> deltas = new ArrayList<>(toolCalls.size());
		for (int i = 0; i < toolCalls.size(); i++) {
			ToolCall call = toolCalls.get(i);
			deltas.add(new ToolCallDelta(i, call.id(), call.type(),
					new FunctionDelta(call.function().name(), call.function().arguments())));
		}
		return chunk(new Delta(null, null, deltas), "tool_calls");
	}

	/**
	 * The UTF-8 JSON of {@link #content(String)}'s chunk, written from the stream's
	 * prefix and the escaped text without the object mapper.
	 */
	byte[] contentJson(String text) {
		byte[] prefix = this.contentPrefix;
		if (prefix == null) {
			prefix = ContentChunkJson.prefix(this.completionId, this.created, this.model);
			this.contentPrefix = prefix;
		}
		return ContentChunkJson.write(prefix, text);
	}

	/**
	 * Maps a turn's end reason to an OpenAI finish reason; see
	 * {@link OpenAiChunkEncoder}.
	 */
	static String finishReason(String turnReason) {
		return FINISH_REASONS.getOrDefault(turnReason, "stop");
	}

	private ChatCompletionChunk chunk(Delta delta, @Nullable String finishReason) {
		return ChatCompletionChunk.of(this.completionId, this.created, this.model, delta, finishReason);
	}

}
