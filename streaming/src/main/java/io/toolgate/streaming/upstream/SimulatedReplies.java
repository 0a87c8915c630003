package io.toolgate.streaming.upstream;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import org.jspecify.annotations.Nullable;

/** The texts of the simulated model's replies, and their split into word tokens. */
final class SimulatedReplies {

	private SimulatedReplies() {
	}

	/**
	 * Returns the reply quoting the trailing {@code tool} messages, each under the name
	 * of its call.
	 */
	static String quoteToolResults(List<ChatMessage> messages, int maxQuoteChars) {
		Map<String, String> names = new HashMap<>();
		int first = messages.size();
		while (first > 0 && ChatMessage.TOOL.equals(messages.get(first - 1).role())) {
			first--;
		}
		for (int i = first - 1; i >= 0; i--) {
			ChatMessage message = messages.get(i);
			if (message.hasToolCalls()) {
				for (ToolCall call : message.toolCalls()) {
					names.put(call.id(), call.function().name());
				}
				break;
			}
		}
		List<String> quotes = new ArrayList<>();
		for (ChatMessage result : messages.subList(first, messages.size())) {
			String name = names.getOrDefault(result.toolCallId(), "a tool");
			quotes.add(name + " returned " + excerpt(unframed(result.content()), maxQuoteChars));
		}
		return "Here is what I found: " + String.join("; ", quotes) + ".";
	}

	/** Returns a direct answer quoting {@code userText}. */
	static String answer(@Nullable String userText, boolean toolsOffered) {
		if (userText == null || userText.isBlank()) {
			return "Hello! I am Toolgate's simulated model. Ask me something.";
		}
		String quote = "You said: \"" + excerpt(userText, 200) + "\". ";
		return quote + (toolsOffered ? "None of the tools I was given fits that, so I answer directly."
				: "I am Toolgate's simulated model, so this reply was written offline and streamed word by word.");
	}

	/**
	 * Splits {@code text} into tokens of one word and its following space; with
	 * {@code words > 0} the reply is made exactly that many words long by repeating or
	 * cutting it.
	 */
	static List<String> tokens(String text, int words) {
		String normalized = text.replaceAll("\\s+", " ").strip();
		if (normalized.isEmpty()) {
			return List.of();
		}
		String[] parts = normalized.split(" ");
		int count = (words > 0) ? words : parts.length;
		List<String> tokens = new ArrayList<>(count);
		for (int i = 0; i < count; i++) {
			tokens.add((i < count - 1) ? parts[i % parts.length] + " " : parts[i % parts.length]);
		}
		return tokens;
	}

	/**
	 * The body of a result the gateway framed as untrusted data ({@code <tool_result …>},
	 * body, {@code </tool_result>}, each on its own lines), as a model reading the frame
	 * would take it; other text as it is.
	 */
	private static @Nullable String unframed(@Nullable String text) {
		if (text == null || !text.startsWith("<tool_result") || !text.endsWith("\n</tool_result>")) {
			return text;
		}
		int start = text.indexOf('\n');
		int end = text.length() - "\n</tool_result>".length();
		return (start < end) ? text.substring(start + 1, end) : text;
	}

	private static String excerpt(@Nullable String text, int maxChars) {
		if (text == null) {
			return "nothing";
		}
		String collapsed = text.replaceAll("\\s+", " ").strip();
		return (collapsed.length() > maxChars) ? collapsed.substring(0, maxChars) + "..." : collapsed;
	}

}
