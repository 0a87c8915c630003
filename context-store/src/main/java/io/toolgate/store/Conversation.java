package io.toolgate.store;

import java.time.Instant;
import java.util.List;

/**
 * A stored conversation.
 *
 * @param key the tenant and id
 * @param messages the messages in order, each an opaque JSON document
 * @param version incremented by every successful write; the first write makes it 1
 * @param createdAt when the conversation was created
 * @param updatedAt when it was last written
 */
public record Conversation(ConversationKey key, List<String> messages, long version, Instant createdAt,
		Instant updatedAt) {

	public Conversation {
		messages = List.copyOf(messages);
	}

}
