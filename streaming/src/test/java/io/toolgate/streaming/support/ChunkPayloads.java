package io.toolgate.streaming.support;

import java.util.List;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ChatCompletionChunk.Delta;
import io.toolgate.streaming.openai.ChatCompletionChunk.ToolCallDelta;
import io.toolgate.streaming.openai.Usage;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * SSE data payloads an OpenAI-compatible upstream streams: chat-completion chunks as
 * JSON, all of completion {@value #COMPLETION_ID} and model {@value #MODEL}, and
 * {@value #DONE}.
 */
public final class ChunkPayloads {

	/** The data of the last event of a stream. */
	public static final String DONE = "[DONE]";

	/** The completion id on every chunk. */
	public static final String COMPLETION_ID = "cmpl-1";

	/** The model on every chunk. */
	public static final String MODEL = "gpt-test-0613";

	private static final JsonMapper JSON = StreamingJson.mapper();

	private ChunkPayloads() {
	}

	/** A chunk with one choice. */
	public static String chunk(Delta delta, @Nullable String finishReason) {
		return json(ChatCompletionChunk.of(COMPLETION_ID, 1, MODEL, delta, finishReason));
	}

	/** A content delta. */
	public static String text(String content) {
		return chunk(Delta.content(content), null);
	}

	/** An empty delta with a finish reason. */
	public static String finish(String finishReason) {
		return chunk(new Delta(null, null, null), finishReason);
	}

	/** A delta with one tool-call fragment. */
	public static String toolCall(ToolCallDelta delta) {
		return chunk(new Delta(null, null, List.of(delta)), null);
	}

	/** The usage chunk, with no choices. */
	public static String usage(Usage usage) {
		return json(ChatCompletionChunk.usage(COMPLETION_ID, 1, MODEL, usage));
	}

	/** Any value as JSON, written by the module's mapper. */
	public static String json(Object value) {
		return JSON.writeValueAsString(value);
	}

}
