package io.toolgate.dispatcher.web;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolDefinition;

/** Checks request bodies and path variables; each failure is a 400 naming the field. */
final class RequestValidation {

	private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");

	private static final Pattern TOOL_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

	private static final Set<String> ROLES = Set.of(ChatMessage.SYSTEM, "developer", ChatMessage.USER,
			ChatMessage.ASSISTANT, ChatMessage.TOOL);

	private RequestValidation() {
	}

	static String conversationId(String id) {
		return id("conversation_id", id);
	}

	static String turnId(String id) {
		return id("turn_id", id);
	}

	private static String id(String field, String id) {
		if (!ID.matcher(id).matches()) {
			throw ToolgateException.invalidField(field,
					"must be 1-128 characters of letters, digits, '_', '-', '.', ':'");
		}
		return id;
	}

	static void chatCompletion(ChatCompletionRequest request, int maxContentLength) {
		List<ChatMessage> messages = request.messages();
		if (messages == null || messages.isEmpty()) {
			throw ToolgateException.invalidField("messages", "must be a non-empty array");
		}
		for (int i = 0; i < messages.size(); i++) {
			message(messages.get(i), "messages[" + i + "]", maxContentLength);
		}
		if (request.tools() != null) {
			for (int i = 0; i < request.tools().size(); i++) {
				tool(request.tools().get(i), "tools[" + i + "]");
			}
		}
		if (request.conversationId() != null) {
			conversationId(request.conversationId());
		}
		if (request.model() != null && request.model().isBlank()) {
			throw ToolgateException.invalidField("model", "must not be blank");
		}
	}

	private static void message(ChatMessage message, String field, int maxContentLength) {
		if (message == null) {
			throw ToolgateException.invalidField(field, "must be an object");
		}
		if (message.role() == null || !ROLES.contains(message.role())) {
			throw ToolgateException.invalidField(field + ".role",
					"must be one of system, developer, user, assistant, tool");
		}
		boolean hasContent = message.content() != null;
		if (!hasContent && !(ChatMessage.ASSISTANT.equals(message.role()) && message.hasToolCalls())) {
			throw ToolgateException.invalidField(field + ".content", "is required");
		}
		if (hasContent && message.content().length() > maxContentLength) {
			throw ToolgateException.invalidField(field + ".content",
					"is longer than " + maxContentLength + " characters");
		}
		if (ChatMessage.TOOL.equals(message.role())
				&& (message.toolCallId() == null || message.toolCallId().isBlank())) {
			throw ToolgateException.invalidField(field + ".tool_call_id", "is required for tool messages");
		}
		if (message.toolCalls() != null) {
			for (int i = 0; i < message.toolCalls().size(); i++) {
				var call = message.toolCalls().get(i);
				String callField = field + ".tool_calls[" + i + "]";
				if (call == null || call.id() == null || call.function() == null || call.function().name() == null
						|| call.function().arguments() == null) {
					throw ToolgateException.invalidField(callField,
							"must have id, function.name and function.arguments");
				}
			}
		}
	}

	private static void tool(ToolDefinition tool, String field) {
		if (tool == null || !"function".equals(tool.type())) {
			throw ToolgateException.invalidField(field + ".type", "must be 'function'");
		}
		if (tool.function() == null || tool.function().name() == null
				|| !TOOL_NAME.matcher(tool.function().name()).matches()) {
			throw ToolgateException.invalidField(field + ".function.name", "must match [A-Za-z0-9_-]{1,64}");
		}
	}

	static TurnBody turn(TurnBody body, int maxContentLength) {
		if (body.content() == null || body.content().isBlank()) {
			throw ToolgateException.invalidField("content", "is required and must be a non-empty string");
		}
		if (body.content().length() > maxContentLength) {
			throw ToolgateException.invalidField("content", "is longer than " + maxContentLength + " characters");
		}
		if (body.model() != null && body.model().isBlank()) {
			throw ToolgateException.invalidField("model", "must not be blank");
		}
		return body;
	}

}
