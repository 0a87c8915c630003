package io.toolgate.store;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Stores conversations with versioned, fenced writes. Every method is non-blocking and
 * lazy.
 */
public interface ConversationStore {

	/**
	 * Loads a conversation.
	 * @param key the conversation
	 * @return the conversation, or empty if it does not exist (or has expired)
	 */
	Mono<Conversation> find(ConversationKey key);

	/**
	 * Appends messages in one atomic compare-and-set step and refreshes the
	 * conversation's time to live.
	 * @param key the conversation
	 * @param expectedVersion the version the caller read; 0 creates the conversation
	 * @param messages the messages to append, opaque JSON documents
	 * @param fence when not {@code null}, the write succeeds only while this lease is
	 * still the conversation's current lease
	 * @return the conversation after the write; errors with
	 * {@link VersionConflictException} if the stored version differs from
	 * {@code expectedVersion}, {@link LeaseLostException} if {@code fence} is no longer
	 * held, or {@link StoreUnavailableException} if the backing store cannot be reached
	 */
	Mono<Conversation> append(ConversationKey key, long expectedVersion, List<String> messages,
			@Nullable TurnLease fence);

	/**
	 * Deletes a conversation with its lease and turn logs.
	 * @param key the conversation
	 * @return whether it existed
	 */
	Mono<Boolean> delete(ConversationKey key);

}
