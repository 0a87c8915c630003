package io.toolgate.streaming.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * A streaming chunk ({@code chat.completion.chunk}). The last chunk of a stream with
 * {@code stream_options.include_usage} has no choices and carries usage.
 *
 * @param id the completion id, the same on every chunk of a stream
 * @param object always {@code chat.completion.chunk}
 * @param created creation time in epoch seconds
 * @param model the model
 * @param choices the choice deltas
 * @param usage usage, on the last chunk only
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionChunk(String id, String object, long created, @Nullable String model,
		List<ChunkChoice> choices, @Nullable Usage usage) {

	/** The object name of chunks. */
	public static final String OBJECT = "chat.completion.chunk";

	/** Returns a chunk with one choice. */
	public static ChatCompletionChunk of(String id, long created, String model, Delta delta,
			@Nullable String finishReason) {
		return new ChatCompletionChunk(id, OBJECT, created, model, List.of(new ChunkChoice(0, delta, finishReason)),
				null);
	}

	/** Returns the usage-only chunk that ends a stream. */
	public static ChatCompletionChunk usage(String id, long created, String model, Usage usage) {
		return new ChatCompletionChunk(id, OBJECT, created, model, List.of(), usage);
	}

	/**
	 * One choice's delta.
	 *
	 * @param index the choice index
	 * @param delta what this chunk adds
	 * @param finishReason set on the choice's last chunk
	 */
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record ChunkChoice(int index, Delta delta, @JsonProperty("finish_reason") @Nullable String finishReason) {
	}

	/**
	 * What a chunk adds to the assistant message.
	 *
	 * @param role set on the first chunk
	 * @param content a text fragment
	 * @param toolCalls tool-call fragments
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record Delta(@Nullable String role, @Nullable String content,
			@JsonProperty("tool_calls") @Nullable List<ToolCallDelta> toolCalls) {

		/** Returns a text delta. */
		public static Delta content(String text) {
			return new Delta(null, text, null);
		}

	}

	/**
	 * A fragment of a tool call. The first fragment of a call carries its {@code id},
	 * {@code type} and name; later ones carry argument fragments for the same
	 * {@code index}.
	 *
	 * @param index which call of the message this fragment belongs to
	 * @param id the call id, on the first fragment
	 * @param type {@code function}, on the first fragment
	 * @param function the name and/or an arguments fragment
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record ToolCallDelta(int index, @Nullable String id, @Nullable String type,
			@Nullable FunctionDelta function) {
	}

	/**
	 * A fragment of a function call.
	 *
	 * @param name the function name, on the first fragment
	 * @param arguments a fragment of the arguments JSON
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	@JsonIgnoreProperties(ignoreUnknown = true)
	public record FunctionDelta(@Nullable String name, @Nullable String arguments) {
	}

}
