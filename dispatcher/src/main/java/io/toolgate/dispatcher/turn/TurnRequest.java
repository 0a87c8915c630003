package io.toolgate.dispatcher.turn;

import java.util.List;

import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolDefinition;
import org.jspecify.annotations.Nullable;

/**
 * What a turn starts from.
 *
 * @param turnId the turn id
 * @param tenant the tenant
 * @param conversationId the stored conversation, or {@code null} for a stateless turn
 * @param model the model to call
 * @param history the messages before this turn (already stored when the turn is stateful)
 * @param input the new messages of this turn (the user's message); written first
 * @param clientTools tools the client defined; calls of them end the turn and go back to
 * the client
 * @param template the client's request, whose sampling options are passed on, if any
 * @param writer where the turn's messages are stored
 * @param streamTokens whether the client receives tokens as they come; when not, the
 * model is asked for whole answers
 * @param keyId the id of the API key that started the turn, for the audit trail, or
 * {@code null} (a turn taken over from another replica)
 */
public record TurnRequest(String turnId, String tenant, @Nullable String conversationId, String model,
		List<ChatMessage> history, List<ChatMessage> input, List<ToolDefinition> clientTools,
		@Nullable ChatCompletionRequest template, ConversationWriter writer, boolean streamTokens,
		@Nullable String keyId) {

	public TurnRequest {
		history = List.copyOf(history);
		input = List.copyOf(input);
		clientTools = List.copyOf(clientTools);
	}

	/**
	 * A turn request without a key id.
	 * @param turnId the turn id
	 * @param tenant the tenant
	 * @param conversationId the stored conversation, or {@code null}
	 * @param model the model to call
	 * @param history the messages before this turn
	 * @param input the new messages of this turn
	 * @param clientTools tools the client defined
	 * @param template the client's request, if any
	 * @param writer where the turn's messages are stored
	 * @param streamTokens whether the client receives tokens as they come
	 */
	public TurnRequest(String turnId, String tenant, @Nullable String conversationId, String model,
			List<ChatMessage> history, List<ChatMessage> input, List<ToolDefinition> clientTools,
			@Nullable ChatCompletionRequest template, ConversationWriter writer, boolean streamTokens) {
		this(turnId, tenant, conversationId, model, history, input, clientTools, template, writer, streamTokens, null);
	}

}
