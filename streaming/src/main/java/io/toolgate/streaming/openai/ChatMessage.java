package io.toolgate.streaming.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.jspecify.annotations.Nullable;

/**
 * One message of a conversation: {@code system}, {@code user}, {@code assistant} (text
 * and/or tool calls) or {@code tool} (a tool result answering {@code toolCallId}).
 *
 * @param role the author role
 * @param content the text; {@code null} for an assistant message that only calls tools
 * @param name optional participant name
 * @param toolCalls the tool calls of an assistant message
 * @param toolCallId the call a {@code tool} message answers
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ChatMessage(String role, @Nullable String content, @Nullable String name,
		@JsonProperty("tool_calls") @Nullable List<ToolCall> toolCalls,
		@JsonProperty("tool_call_id") @Nullable String toolCallId) {

	/** Role of a system prompt. */
	public static final String SYSTEM = "system";

	/** Role of the user. */
	public static final String USER = "user";

	/** Role of the model. */
	public static final String ASSISTANT = "assistant";

	/** Role of a tool result. */
	public static final String TOOL = "tool";

	/** Returns a user message. */
	public static ChatMessage user(String content) {
		return new ChatMessage(USER, content, null, null, null);
	}

	/** Returns a system message. */
	public static ChatMessage system(String content) {
		return new ChatMessage(SYSTEM, content, null, null, null);
	}

	/** Returns an assistant message with text only. */
	public static ChatMessage assistant(String content) {
		return new ChatMessage(ASSISTANT, content, null, null, null);
	}

	/** Returns an assistant message calling tools, with optional text. */
	public static ChatMessage assistant(@Nullable String content, List<ToolCall> toolCalls) {
		return new ChatMessage(ASSISTANT, content, null, toolCalls.isEmpty() ? null : List.copyOf(toolCalls), null);
	}

	/** Returns a tool result message answering the call {@code toolCallId}. */
	public static ChatMessage tool(String toolCallId, String content) {
		return new ChatMessage(TOOL, content, null, null, toolCallId);
	}

	/** Whether this is an assistant message with at least one tool call. */
	public boolean hasToolCalls() {
		return this.toolCalls != null && !this.toolCalls.isEmpty();
	}

}
