package io.toolgate.dispatcher.turn;

import java.util.List;

import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.TurnLease;
import io.toolgate.streaming.openai.ChatMessage;
import org.jspecify.annotations.Nullable;

/**
 * A turn that was admitted and, when stateful, holds its conversation's lease.
 * {@link TurnCoordinator#finish} must be called exactly once when it ends.
 *
 * @param turnId the turn id
 * @param conversation the conversation, or {@code null} for a stateless turn
 * @param permit the admission permit
 * @param lease the conversation lease, or {@code null} for a stateless turn
 * @param history the stored messages before this turn
 * @param writer where the turn writes its messages
 */
public record PreparedTurn(String turnId, @Nullable ConversationKey conversation, AdmissionController.Permit permit,
		@Nullable TurnLease lease, List<ChatMessage> history, ConversationWriter writer) {
}
