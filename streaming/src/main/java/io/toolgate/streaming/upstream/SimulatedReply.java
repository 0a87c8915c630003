package io.toolgate.streaming.upstream;

import java.util.List;

import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;

/**
 * What the simulated model answers to one request, decided up front and
 * deterministically.
 *
 * @param model the model name reported
 * @param tokens the text tokens, each a word and its following space
 * @param toolCalls the tool calls, empty for a text reply
 * @param finishReason {@code stop}, {@code length} or {@code tool_calls}
 * @param usage the usage reported
 * @param failure whether and how this reply fails
 * @param cutAfterTokens for {@link Failure#STREAM_CUT}, how many tokens are sent before
 * the cut
 * @param completionId a completion id derived from the request
 */
public record SimulatedReply(String model, List<String> tokens, List<ToolCall> toolCalls, String finishReason,
		Usage usage, Failure failure, int cutAfterTokens, String completionId) {

	/** How a reply fails. */
	public enum Failure {

		/** It does not. */
		NONE,
		/**
		 * The upstream fails before the first token (HTTP 500 from the simulated server).
		 */
		SERVER_ERROR,
		/** The stream breaks off after {@code cutAfterTokens} tokens. */
		STREAM_CUT

	}

	/** Returns the whole text. */
	public String content() {
		return String.join("", this.tokens);
	}

	/** Returns the assistant message: text, or tool calls with no text. */
	public ChatMessage message() {
		if (this.toolCalls.isEmpty()) {
			return ChatMessage.assistant(content());
		}
		String text = content();
		return ChatMessage.assistant(text.isEmpty() ? null : text, this.toolCalls);
	}

}
