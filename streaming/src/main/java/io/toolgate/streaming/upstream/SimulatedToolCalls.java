package io.toolgate.streaming.upstream;

import java.util.ArrayList;
import java.util.List;

import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.ToolDefinition;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool calls the simulated model makes for a user message: the requests
 * {@link ToolMatcher} finds in it, under {@code tool_choice} ({@code none} makes none,
 * {@code required} at least one, a named function only that one),
 * {@code parallel_tool_calls: false} (one at most) and
 * {@link SimulatedModelSettings#parallelToolCalls()} (exactly that many, cycling over the
 * tools). Arguments come from {@link SchemaArguments}; call ids are {@code call_<hex>},
 * derived from the conversation's hash and the call's position. Thread-safe.
 */
final class SimulatedToolCalls {

	private final JsonMapper jsonMapper;

	private final int parallelToolCalls;

	/**
	 * Creates the tool-call side of a simulated model.
	 * @param jsonMapper writes the arguments
	 * @param parallelToolCalls how many calls to make; 0 makes as many as the message
	 * asks for
	 */
	SimulatedToolCalls(JsonMapper jsonMapper, int parallelToolCalls) {
		this.jsonMapper = jsonMapper;
		this.parallelToolCalls = parallelToolCalls;
	}

	/**
	 * Returns the calls for a request offering tools.
	 * @param request the request; its tools are not empty
	 * @param text the last user message's text
	 * @param hash the conversation's hash, which call ids derive from
	 * @return the calls, in order; empty when none is made
	 */
	List<ToolCall> calls(ChatCompletionRequest request, String text, long hash) {
		JsonNode choice = request.toolChoice();
		if (choice != null && "none".equals(choice.asString(""))) {
			return List.of();
		}
		List<ToolMatcher.Match> matches = matches(request, choice, text);
		List<ToolCall> calls = new ArrayList<>(matches.size());
		for (int i = 0; i < matches.size(); i++) {
			ToolMatcher.Match match = matches.get(i);
			ToolDefinition.Function function = match.tool().function();
			JsonNode schema = (function.parameters() != null) ? function.parameters() : this.jsonMapper.nullNode();
			String arguments = this.jsonMapper.writeValueAsString(SchemaArguments.generate(schema, match.text()));
			calls.add(ToolCall.of(callId(hash, i), function.name(), arguments));
		}
		return List.copyOf(calls);
	}

	private List<ToolMatcher.Match> matches(ChatCompletionRequest request, @Nullable JsonNode choice, String text) {
		List<ToolDefinition> tools = request.tools();
		List<ToolMatcher.Match> matches = new ArrayList<>(new ToolMatcher(tools).match(text));
		ToolDefinition forced = forcedTool(choice, tools);
		if (forced != null) {
			matches.removeIf((match) -> match.tool() != forced);
		}
		if (matches.isEmpty() && (forced != null || (choice != null && "required".equals(choice.asString(""))))) {
			matches.add(new ToolMatcher.Match(text, (forced != null) ? forced : tools.get(0)));
		}
		int wanted = Boolean.FALSE.equals(request.parallelToolCalls()) ? Math.min(1, matches.size())
				: this.parallelToolCalls;
		if (wanted > 0) {
			for (int i = matches.size(); i < wanted; i++) {
				matches.add(new ToolMatcher.Match(text, (forced != null) ? forced : tools.get(i % tools.size())));
			}
			matches = matches.subList(0, wanted);
		}
		return matches;
	}

	private static @Nullable ToolDefinition forcedTool(@Nullable JsonNode choice, List<ToolDefinition> tools) {
		if (choice == null || !choice.isObject()) {
			return null;
		}
		String name = choice.path("function").path("name").asString("");
		return tools.stream().filter((tool) -> tool.function().name().equals(name)).findFirst().orElse(null);
	}

	private static String callId(long hash, int index) {
		long mixed = (hash ^ (index + 1) * 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
		return "call_" + Long.toHexString(mixed ^ (mixed >>> 31));
	}

}
