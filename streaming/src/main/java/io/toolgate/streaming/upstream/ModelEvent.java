package io.toolgate.streaming.upstream;

import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.Usage;

/** What a {@link ModelClient} stream emits. */
public sealed interface ModelEvent {

	/**
	 * A text fragment of the assistant message.
	 *
	 * @param text the fragment, never empty
	 */
	record Token(String text) implements ModelEvent {
	}

	/**
	 * The end of the assistant message.
	 *
	 * @param message the whole assistant message, text and assembled tool calls
	 * @param finishReason the upstream's finish reason ({@code stop}, {@code tool_calls},
	 * {@code length}, ...)
	 * @param usage token usage; {@link Usage#ZERO} when the upstream reported none
	 * @param model the model that answered
	 */
	record Completed(ChatMessage message, String finishReason, Usage usage, String model) implements ModelEvent {
	}

}
