package io.toolgate.test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The chat-completion chunks of {@link ScriptedUpstream}: streamed payloads written as
 * JSON text, and their assembly into the equivalent non-streaming response.
 */
final class ScriptedChunks {

	static final JsonMapper JSON = JsonMapper.builder().build();

	private ScriptedChunks() {
	}

	static List<String> text(String... tokens) {
		List<String> payloads = new ArrayList<>();
		payloads.add(chunk("{\"role\":\"assistant\",\"content\":\"\"}", null));
		for (String token : tokens) {
			payloads.add(chunk("{\"content\":" + JSON.writeValueAsString(token) + "}", null));
		}
		return finish(payloads, "stop");
	}

	static List<String> toolCalls(String[]... calls) {
		List<String> payloads = new ArrayList<>();
		payloads.add(chunk("{\"role\":\"assistant\",\"content\":null}", null));
		for (int i = 0; i < calls.length; i++) {
			String[] call = calls[i];
			payloads.add(chunk("{\"tool_calls\":[{\"index\":" + i + ",\"id\":\"" + call[0]
					+ "\",\"type\":\"function\",\"function\":{\"name\":\"" + call[1] + "\",\"arguments\":\"\"}}]}",
					null));
		}
		for (int i = 0; i < calls.length; i++) {
			String arguments = calls[i][2];
			int half = arguments.length() / 2;
			for (String part : List.of(arguments.substring(0, half), arguments.substring(half))) {
				payloads.add(chunk("{\"tool_calls\":[{\"index\":" + i + ",\"function\":{\"arguments\":"
						+ JSON.writeValueAsString(part) + "}}]}", null));
			}
		}
		return finish(payloads, "tool_calls");
	}

	private static List<String> finish(List<String> payloads, String finishReason) {
		payloads.add(chunk("{}", finishReason));
		payloads.add("{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion.chunk\",\"created\":1,"
				+ "\"model\":\"scripted\",\"choices\":[],"
				+ "\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15}}");
		payloads.add("[DONE]");
		return payloads;
	}

	private static String chunk(String delta, @Nullable String finishReason) {
		return "{\"id\":\"chatcmpl-test\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"scripted\","
				+ "\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
				+ ((finishReason != null) ? "\"" + finishReason + "\"" : "null") + "}]}";
	}

	/**
	 * Assembles streamed chunk payloads into the equivalent non-streaming response body.
	 */
	static String assemble(List<String> payloads) {
		StringBuilder content = new StringBuilder();
		Map<Integer, ObjectNode> calls = new TreeMap<>();
		String finishReason = "stop";
		JsonNode usage = null;
		for (String payload : payloads) {
			if ("[DONE]".equals(payload)) {
				continue;
			}
			JsonNode chunk = JSON.readTree(payload);
			if (chunk.has("usage")) {
				usage = chunk.get("usage");
			}
			for (JsonNode choice : chunk.path("choices")) {
				JsonNode delta = choice.path("delta");
				if (delta.hasNonNull("content")) {
					content.append(delta.get("content").asString());
				}
				delta.path("tool_calls").forEach((fragment) -> addFragment(calls, fragment));
				if (choice.hasNonNull("finish_reason")) {
					finishReason = choice.get("finish_reason").asString();
				}
			}
		}
		return JSON.writeValueAsString(response(content.toString(), calls, finishReason, usage));
	}

	private static void addFragment(Map<Integer, ObjectNode> calls, JsonNode fragment) {
		ObjectNode call = calls.computeIfAbsent(fragment.path("index").asInt(), (i) -> {
			ObjectNode created = JSON.createObjectNode();
			created.put("type", "function");
			created.putObject("function").put("arguments", "");
			return created;
		});
		if (fragment.hasNonNull("id")) {
			call.put("id", fragment.get("id").asString());
		}
		ObjectNode function = (ObjectNode) call.get("function");
		JsonNode functionDelta = fragment.path("function");
		if (functionDelta.hasNonNull("name")) {
			function.put("name", functionDelta.get("name").asString());
		}
		if (functionDelta.hasNonNull("arguments")) {
			function.put("arguments", function.get("arguments").asString() + functionDelta.get("arguments").asString());
		}
	}

	private static ObjectNode response(String content, Map<Integer, ObjectNode> calls, String finishReason,
			@Nullable JsonNode usage) {
		ObjectNode message = JSON.createObjectNode();
		message.put("role", "assistant");
		if (calls.isEmpty()) {
			message.put("content", content);
		}
		else {
			message.putArray("tool_calls").addAll(calls.values());
		}
		ObjectNode body = JSON.createObjectNode();
		body.put("id", "chatcmpl-test");
		body.put("object", "chat.completion");
		body.put("created", 1);
		body.put("model", "scripted");
		ObjectNode choice = body.putArray("choices").addObject();
		choice.put("index", 0);
		choice.set("message", message);
		choice.put("finish_reason", finishReason);
		if (usage != null) {
			body.set("usage", usage);
		}
		return body;
	}

}
