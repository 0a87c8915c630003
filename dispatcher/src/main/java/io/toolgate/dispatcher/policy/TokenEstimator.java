package io.toolgate.dispatcher.policy;

import java.util.List;

import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import org.jspecify.annotations.Nullable;

/**
 * Estimates a model call's tokens before it is made: the prompt's characters divided by
 * {@code charsPerToken}, plus a few per message, plus the completion budget.
 *
 * @param charsPerToken characters per token, at least 1
 * @param completionTokens the completion budget when the request names none, not negative
 */
public record TokenEstimator(int charsPerToken, int completionTokens) {

	private static final int CHARS_PER_MESSAGE = 16;

	public TokenEstimator {
		if (charsPerToken < 1) {
			throw new IllegalArgumentException("charsPerToken must be at least 1");
		}
		if (completionTokens < 0) {
			throw new IllegalArgumentException("completionTokens must not be negative");
		}
	}

	/**
	 * Estimates the tokens of a call.
	 * @param messages the prompt
	 * @param maxCompletionTokens the request's completion limit, or {@code null} for
	 * {@link #completionTokens()}
	 * @return the estimate, at least 1
	 */
	public long estimate(List<ChatMessage> messages, @Nullable Integer maxCompletionTokens) {
		long completion = (maxCompletionTokens != null) ? Math.max(0, maxCompletionTokens) : this.completionTokens;
		return Math.max(1, promptTokens(messages) + completion);
	}

	/**
	 * Estimates the tokens of a prompt alone, e.g. to fit a history to a budget.
	 * @param messages the messages
	 * @return the estimate, 0 for no messages
	 */
	public long promptTokens(List<ChatMessage> messages) {
		long chars = 0;
		for (ChatMessage message : messages) {
			chars += CHARS_PER_MESSAGE;
			if (message.content() != null) {
				chars += message.content().length();
			}
			if (message.toolCalls() != null) {
				for (ToolCall call : message.toolCalls()) {
					chars += CHARS_PER_MESSAGE + call.function().name().length() + call.function().arguments().length();
				}
			}
		}
		return chars / this.charsPerToken;
	}

}
