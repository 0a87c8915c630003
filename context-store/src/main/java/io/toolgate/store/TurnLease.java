package io.toolgate.store;

/**
 * The right to run the one turn of a conversation that may run at a time.
 *
 * @param key the conversation
 * @param turnId the turn holding the lease
 * @param fence a token that changes with every acquisition; writes fenced by a stale
 * token are refused
 */
public record TurnLease(ConversationKey key, String turnId, String fence) {
}
