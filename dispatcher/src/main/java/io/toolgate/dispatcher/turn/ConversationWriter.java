package io.toolgate.dispatcher.turn;

import java.util.List;

import io.toolgate.streaming.openai.ChatMessage;
import reactor.core.publisher.Mono;

/**
 * Where a turn persists its messages. Each call is one atomic write of complete messages
 * (an assistant message together with all of its tool results), so a turn cut short never
 * leaves a partial message behind.
 */
public interface ConversationWriter {

	/** A writer for stateless turns: stores nothing. */
	ConversationWriter NONE = messages -> Mono.empty();

	/**
	 * Appends messages.
	 * @param messages complete messages, in order
	 * @return completion; errors with the store's failures
	 */
	Mono<Void> append(List<ChatMessage> messages);

	/**
	 * Appends the turn's answer, its last write, right before its terminal event. A
	 * writer may hold it and store it with the terminal event instead (see
	 * {@link StoredConversationWriter#deferAnswerToEnd()}).
	 * @param messages complete messages, in order
	 * @return completion; errors with the store's failures
	 */
	default Mono<Void> appendAnswer(List<ChatMessage> messages) {
		return append(messages);
	}

	/**
	 * Appends a step of the turn: an assistant message with tool calls and one tool
	 * message per call. A writer that holds the answer for the turn's end may hold the
	 * step too, until {@link #storeHeldStep()} or the end (see
	 * {@link StoredConversationWriter#deferAnswerToEnd()}).
	 * @param messages complete messages, in order
	 * @return completion; errors with the store's failures
	 */
	default Mono<Void> appendStep(List<ChatMessage> messages) {
		return append(messages);
	}

	/**
	 * Stores a step {@link #appendStep} held, if any: before a later step of the turn
	 * begins, so that the stored conversation lacks at most the turn's latest step, the
	 * one a turn taken over rebuilds from its log.
	 * @return completion; errors with the store's failures
	 */
	default Mono<Void> storeHeldStep() {
		return Mono.empty();
	}

}
