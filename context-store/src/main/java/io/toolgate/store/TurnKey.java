package io.toolgate.store;

import java.util.Objects;

/**
 * Identifies one turn of a conversation.
 *
 * @param conversation the conversation
 * @param turnId the turn id
 */
public record TurnKey(ConversationKey conversation, String turnId) {

	public TurnKey {
		Objects.requireNonNull(conversation, "conversation");
		Objects.requireNonNull(turnId, "turnId");
	}

}
