package io.toolgate.streaming.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A chat-completions request. Unknown fields are ignored. {@code conversationId} is
 * Toolgate's extension: when present, the gateway loads and stores the conversation under
 * that id.
 *
 * @param model the model name
 * @param messages the conversation so far
 * @param stream whether to stream chunks
 * @param streamOptions stream options ({@code include_usage})
 * @param tools tools offered to the model
 * @param toolChoice {@code none}, {@code auto}, {@code required} or an object naming a
 * function
 * @param parallelToolCalls whether the model may call several tools at once
 * @param temperature sampling temperature
 * @param maxTokens maximum tokens to generate (legacy name)
 * @param maxCompletionTokens maximum tokens to generate
 * @param user end-user identifier
 * @param conversationId Toolgate extension: the stored conversation to continue
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChatCompletionRequest(@Nullable String model, @Nullable List<ChatMessage> messages,
		@Nullable Boolean stream, @JsonProperty("stream_options") @Nullable StreamOptions streamOptions,
		@Nullable List<ToolDefinition> tools, @JsonProperty("tool_choice") @Nullable JsonNode toolChoice,
		@JsonProperty("parallel_tool_calls") @Nullable Boolean parallelToolCalls, @Nullable Double temperature,
		@JsonProperty("max_tokens") @Nullable Integer maxTokens,
		@JsonProperty("max_completion_tokens") @Nullable Integer maxCompletionTokens, @Nullable String user,
		@JsonProperty("conversation_id") @Nullable String conversationId) {

	/** Returns a minimal request. */
	public static ChatCompletionRequest of(String model, List<ChatMessage> messages, List<ToolDefinition> tools,
			boolean stream) {
		return new ChatCompletionRequest(model, messages, stream, stream ? new StreamOptions(true) : null,
				tools.isEmpty() ? null : tools, null, null, null, null, null, null, null);
	}

	/** Whether streaming was requested. */
	public boolean isStream() {
		return Boolean.TRUE.equals(this.stream);
	}

	/**
	 * Returns a copy with other messages, tools and stream flag, for the upstream call.
	 */
	public ChatCompletionRequest forUpstream(String model, List<ChatMessage> messages, List<ToolDefinition> tools,
			boolean stream) {
		return new ChatCompletionRequest(model, messages, stream, stream ? new StreamOptions(true) : null,
				tools.isEmpty() ? null : tools, tools.isEmpty() ? null : this.toolChoice,
				tools.isEmpty() ? null : this.parallelToolCalls, this.temperature, this.maxTokens,
				this.maxCompletionTokens, this.user, null);
	}

	/**
	 * Stream options.
	 *
	 * @param includeUsage whether the last chunk carries usage
	 * @param resumable Toolgate's extension: whether the stream can be resumed (and so
	 * outlives its client's connection); {@code null} for the gateway's default. Never
	 * sent upstream.
	 * @param toolProgress Toolgate's extension: whether server-side tool calls show as
	 * they happen, in chunks with no choices and a {@code toolgate} field. Never sent
	 * upstream.
	 */
	public record StreamOptions(@JsonProperty("include_usage") @Nullable Boolean includeUsage,
			@JsonProperty("resumable") @Nullable Boolean resumable,
			@JsonProperty("tool_progress") @Nullable Boolean toolProgress) {

		/**
		 * Creates options without Toolgate's extensions.
		 * @param includeUsage whether the last chunk carries usage
		 */
		public StreamOptions(@Nullable Boolean includeUsage) {
			this(includeUsage, null, null);
		}

	}

}
