package io.toolgate.streaming.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ChatCompletionChunk.ChunkChoice;
import io.toolgate.streaming.openai.ChatCompletionChunk.ToolCallDelta;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import org.jspecify.annotations.Nullable;

/**
 * Builds one assistant message from streamed chunks: text fragments are concatenated,
 * tool-call fragments are grouped by their {@code index} and their argument fragments
 * concatenated in arrival order, and the finish reason is kept.
 * <p>
 * Rules for fragments: the first non-null {@code id}, {@code type} and function name of
 * an index win (later repeats are ignored). A call that never received an id gets
 * {@code call_<index>}, or {@code call_<completionId>_<index>} when chunks were fed with
 * {@link #accept(ChatCompletionChunk)} and carried a completion id, which keeps generated
 * ids unique across model calls. A call without argument fragments gets {@code {}}; a
 * call without a name gets the empty name, which tool lookup then rejects as unknown.
 * <p>
 * Not thread-safe: use one instance per stream, fed sequentially (as Reactor operators
 * do).
 */
public final class ToolCallAssembler {

	private final StringBuilder content = new StringBuilder();

	private final Map<Integer, PartialCall> calls = new TreeMap<>();

	private @Nullable String finishReason;

	private @Nullable String completionId;

	/**
	 * Feeds a chunk: its completion id, and text, tool-call fragments and finish reason
	 * of choice 0. Other choices are ignored (Toolgate asks for one).
	 * @param chunk the chunk
	 * @return the text fragment of choice 0, or {@code null} when the chunk carries none
	 */
	public @Nullable String accept(ChatCompletionChunk chunk) {
		if (this.completionId == null && chunk.id() != null && !chunk.id().isEmpty()) {
			this.completionId = chunk.id();
		}
		if (chunk.choices() == null) {
			return null;
		}
		String text = null;
		for (ChunkChoice choice : chunk.choices()) {
			if (choice.index() != 0) {
				continue;
			}
			if (choice.delta() != null) {
				text = acceptDelta(choice.delta());
			}
			if (choice.finishReason() != null) {
				this.finishReason = choice.finishReason();
			}
		}
		return text;
	}

	private @Nullable String acceptDelta(ChatCompletionChunk.Delta delta) {
		if (delta.toolCalls() != null) {
			delta.toolCalls().forEach(this::add);
		}
		String text = delta.content();
		if (text == null || text.isEmpty()) {
			return null;
		}
		appendContent(text);
		return text;
	}

	/**
	 * Adds one tool-call fragment.
	 * @param delta the fragment
	 */
	public void add(ToolCallDelta delta) {
		PartialCall call = this.calls.computeIfAbsent(delta.index(), (index) -> new PartialCall());
		if (call.id == null && delta.id() != null && !delta.id().isEmpty()) {
			call.id = delta.id();
		}
		if (call.type == null && delta.type() != null) {
			call.type = delta.type();
		}
		if (delta.function() != null) {
			if (call.name == null && delta.function().name() != null && !delta.function().name().isEmpty()) {
				call.name = delta.function().name();
			}
			if (delta.function().arguments() != null) {
				call.arguments.append(delta.function().arguments());
			}
		}
	}

	/**
	 * Appends a text fragment.
	 * @param text the fragment
	 */
	public void appendContent(String text) {
		this.content.append(text);
	}

	/**
	 * Records the finish reason.
	 * @param reason the reason, e.g. {@code stop} or {@code tool_calls}
	 */
	public void finishReason(String reason) {
		this.finishReason = reason;
	}

	/** Returns the finish reason seen so far, or {@code null}. */
	public @Nullable String finishReason() {
		return this.finishReason;
	}

	/** Whether at least one tool-call fragment was seen. */
	public boolean hasToolCalls() {
		return !this.calls.isEmpty();
	}

	/** Returns the text so far. */
	public String content() {
		return this.content.toString();
	}

	/** Returns the tool calls so far, in index order. */
	public List<ToolCall> toolCalls() {
		List<ToolCall> result = new ArrayList<>(this.calls.size());
		this.calls.forEach((index, call) -> result.add(call.toToolCall(index, this.completionId)));
		return result;
	}

	/**
	 * Returns the assistant message so far: its text ({@code null} when empty and there
	 * are tool calls, as OpenAI does) and its tool calls.
	 */
	public ChatMessage message() {
		List<ToolCall> toolCalls = toolCalls();
		String text = this.content.toString();
		if (toolCalls.isEmpty()) {
			return ChatMessage.assistant(text);
		}
		return ChatMessage.assistant(text.isEmpty() ? null : text, toolCalls);
	}

	/**
	 * Returns the finish reason to report: the one seen, else {@code tool_calls} when
	 * there are calls, else {@code stop}.
	 */
	public String effectiveFinishReason() {
		if (this.finishReason != null) {
			return this.finishReason;
		}
		return hasToolCalls() ? "tool_calls" : "stop";
	}

	private static final class PartialCall {

		private @Nullable String id;

		private @Nullable String type;

		private @Nullable String name;

		private final StringBuilder arguments = new StringBuilder();

		ToolCall toToolCall(int index, @Nullable String completionId) {
			String callId = this.id;
			if (callId == null) {
				callId = (completionId != null) ? "call_" + completionId + "_" + index : "call_" + index;
			}
			String args = this.arguments.isEmpty() ? "{}" : this.arguments.toString();
			return new ToolCall(callId, (this.type != null) ? this.type : "function",
					new ToolCall.FunctionCall((this.name != null) ? this.name : "", args));
		}

	}

}
