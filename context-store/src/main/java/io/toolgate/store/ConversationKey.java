package io.toolgate.store;

import java.util.Objects;

/**
 * Identifies a conversation within a tenant. Every store operation is scoped by tenant:
 * the same id under another tenant is another conversation.
 *
 * @param tenant the tenant
 * @param conversationId the conversation id
 */
public record ConversationKey(String tenant, String conversationId) {

	public ConversationKey {
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(conversationId, "conversationId");
	}

}
