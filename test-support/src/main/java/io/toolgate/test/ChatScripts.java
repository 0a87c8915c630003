package io.toolgate.test;

import java.util.ArrayList;
import java.util.List;

import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;

/**
 * Building blocks of {@link ScriptedUpstream.Script scripts}: the {@code data:} payloads
 * of an answer (chat-completion chunks of completion {@code chatcmpl-test}, model
 * {@code scripted}, ending in usage and {@code [DONE]}), and what a request holds.
 */
public final class ChatScripts {

	private ChatScripts() {
	}

	/** Text chunks followed by a stop chunk, a usage chunk and {@code [DONE]}. */
	public static Flux<String> text(String... tokens) {
		return Flux.fromIterable(ScriptedChunks.text(tokens));
	}

	/**
	 * One assistant message calling tools, then a {@code tool_calls} finish, a usage
	 * chunk and {@code [DONE]}: each call as {@code {id, name, arguments}}, the arguments
	 * split in two fragments.
	 */
	public static Flux<String> toolCalls(String[]... calls) {
		return Flux.fromIterable(ScriptedChunks.toolCalls(calls));
	}

	/**
	 * The last message of a chat-completions request, or a missing node if it has none.
	 */
	public static JsonNode lastMessage(JsonNode request) {
		JsonNode messages = request.path("messages");
		return messages.path(messages.size() - 1);
	}

	/**
	 * The content of each {@code tool} message of a chat-completions request, in order.
	 */
	public static List<String> toolResults(JsonNode request) {
		List<String> results = new ArrayList<>();
		for (JsonNode message : request.path("messages")) {
			if ("tool".equals(message.path("role").asString())) {
				results.add(message.path("content").asString());
			}
		}
		return results;
	}

}
