package io.toolgate.streaming;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ToolCall;
import tools.jackson.databind.json.JsonMapper;

/**
 * Encodes one turn's {@link TurnEvent}s as OpenAI {@code chat.completion.chunk}s for a
 * streaming {@code /v1/chat/completions} response. One instance per response stream: it
 * holds the completion id, creation time and model shared by all chunks, and whether the
 * role chunk and the finish chunk were sent. Not thread-safe; feed it in event order.
 * <p>
 * Mapping:
 * <ul>
 * <li>{@code turn.started}: the first chunk, {@code role: assistant} with empty content.
 * Every other event sends it first if it was not sent yet.</li>
 * <li>{@code token}: a content delta.</li>
 * <li>{@code tool.call} and {@code tool.result}: nothing; these are Toolgate's own tools,
 * which the client did not define. Client-side tools are sent with
 * {@link #toolCallsChunk}.</li>
 * <li>{@code turn.completed}: a chunk with an empty delta and the finish reason, unless
 * {@link #toolCallsChunk} already sent one; then the usage chunk when usage was
 * requested. Reasons {@code stop}, {@code length}, {@code tool_calls} and
 * {@code content_filter} pass through; {@code max_iterations}, {@code deadline},
 * {@code loop_detected} and {@code budget_exhausted} become {@code length}, since the
 * gateway cut the answer short at a limit and it may be incomplete; anything else becomes
 * {@code stop}.</li>
 * <li>{@code error}: no chunk. {@link #encode} writes it as the data
 * {@code {"error":{"message","type","code"}}}, which OpenAI also streams for mid-stream
 * failures and which OpenAI SDKs raise as an API error.</li>
 * </ul>
 * {@link #encode} returns the SSE data payloads, ending a terminal event's with
 * {@value #DONE}.
 */
public final class OpenAiChunkEncoder {

	/** The data of the last SSE event of a chat-completions stream. */
	public static final String DONE = "[DONE]";

	private final CompletionChunks completion;

	private final boolean includeUsage;

	private final JsonMapper jsonMapper;

	private boolean roleSent;

	private boolean finishSent;

	/**
	 * Creates an encoder for one stream.
	 * @param completionId the id on every chunk, e.g. {@code chatcmpl-...}
	 * @param created creation time in epoch seconds
	 * @param model the model name on every chunk
	 * @param includeUsage whether the client asked for
	 * {@code stream_options.include_usage}
	 * @param jsonMapper the mapper for {@link #encode}, used as given:
	 * {@link StreamingJson#mapper()} or a shared mapper made once by
	 * {@link StreamingJson#adapt}
	 */
	public OpenAiChunkEncoder(String completionId, long created, String model, boolean includeUsage,
			JsonMapper jsonMapper) {
		this.completion = new CompletionChunks(completionId, created, model);
		this.includeUsage = includeUsage;
		this.jsonMapper = StreamingJson.requireSettings(jsonMapper);
	}

	/**
	 * Returns an encoder with a fresh random completion id ({@code chatcmpl-} and 24 hex
	 * digits), the current time and {@link StreamingJson#mapper()}.
	 * @param model the model name
	 * @param includeUsage whether to send the usage chunk
	 */
	public static OpenAiChunkEncoder of(String model, boolean includeUsage) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		String id = "chatcmpl-" + String.format("%016x%08x", random.nextLong(), random.nextInt());
		return new OpenAiChunkEncoder(id, System.currentTimeMillis() / 1000, model, includeUsage,
				StreamingJson.mapper());
	}

	/** Returns the completion id. */
	public String completionId() {
		return this.completion.completionId();
	}

	/** Returns the creation time in epoch seconds. */
	public long created() {
		return this.completion.created();
	}

	/** Returns the model name. */
	public String model() {
		return this.completion.model();
	}

	/**
	 * Returns the chunks for an event (see the mapping above); empty for events sent as
	 * nothing and for {@code error}.
	 * @param event the event
	 * @return the chunks, in order
	 */
	public List<ChatCompletionChunk> chunks(TurnEvent event) {
		List<ChatCompletionChunk> chunks = new ArrayList<>(3);
		switch (event) {
			case TurnEvent.TurnStarted started -> addRole(chunks);
			case TurnEvent.Token token -> {
				addRole(chunks);
				if (!token.text().isEmpty()) {
					chunks.add(this.completion.content(token.text()));
				}
			}
			case TurnEvent.TurnCompleted completed -> {
				addRole(chunks);
				if (!this.finishSent) {
					this.finishSent = true;
					chunks.add(this.completion.finish(completed.reason()));
				}
				if (this.includeUsage) {
					chunks.add(this.completion.usage(completed.usage()));
				}
			}
			case TurnEvent.ToolCallStarted call -> {
			}
			case TurnEvent.TurnResumed resumed -> {
			}
			case TurnEvent.ToolResult result -> {
			}
			case TurnEvent.ApprovalRequired required -> {
			}
			case TurnEvent.ApprovalResolved resolved -> {
			}
			case TurnEvent.UsageUpdate usage -> {
			}
			case TurnEvent.Error error -> {
			}
		}
		return chunks;
	}

	/**
	 * Returns the SSE data payloads for an event: the JSON of each of its
	 * {@link #chunks}, the error object for {@code error}, and {@value #DONE} after a
	 * terminal event.
	 * @param event the event
	 * @return the payloads, in order; empty for events sent as nothing
	 */
	public List<String> encode(TurnEvent event) {
		List<String> payloads = new ArrayList<>(4);
		for (ChatCompletionChunk chunk : chunks(event)) {
			payloads.add(this.jsonMapper.writeValueAsString(chunk));
		}
		if (event instanceof TurnEvent.Error error) {
			payloads.add(this.jsonMapper.writeValueAsString(Map.of("error",
					Map.of("message", error.message(), "type", error.errorType(), "code", error.code()))));
		}
		if (event.isTerminal()) {
			payloads.add(DONE);
		}
		return payloads;
	}

	/**
	 * Returns the UTF-8 JSON of a content-delta chunk, the same bytes {@link #toJson}
	 * writes for the content chunk of {@code text}, written from a per-stream prefix and
	 * the escaped text: a token is the most frequent event of a stream, and this skips
	 * the object mapper for it. Marks the role chunk as sent only through
	 * {@link #chunks}; call {@link #roleChunkIfNeeded()} first.
	 * @param text the delta's text, not empty
	 * @return the chunk's JSON
	 */
	public byte[] contentChunkJson(String text) {
		return this.completion.contentJson(text);
	}

	/** Whether the role chunk went out already. */
	public boolean roleSent() {
		return this.roleSent;
	}

	/**
	 * Returns the JSON of a chunk, as an SSE data payload.
	 * @param chunk the chunk
	 * @return its JSON
	 */
	public String toJson(ChatCompletionChunk chunk) {
		return this.jsonMapper.writeValueAsString(chunk);
	}

	/**
	 * Returns a chunk returning tool calls to the client (for tools the client defined):
	 * one delta per call, each whole (id, type, name and all arguments) at its index,
	 * with finish reason {@code tool_calls}. The following {@code turn.completed} then
	 * adds no second finish chunk. Send the role chunk first if needed (see
	 * {@link #roleChunkIfNeeded()}).
	 * @param toolCalls the calls, in order
	 * @return the chunk
	 */
	public ChatCompletionChunk toolCallsChunk(List<ToolCall> toolCalls) {
		this.finishSent = true;
		return this.completion.toolCalls(toolCalls);
	}

	/**
	 * Returns the role chunk if it was not sent yet (and marks it sent), else an empty
	 * list.
	 */
	public List<ChatCompletionChunk> roleChunkIfNeeded() {
		List<ChatCompletionChunk> chunks = new ArrayList<>(1);
		addRole(chunks);
		return chunks;
	}

	/**
	 * Maps a {@link TurnEvent.TurnCompleted#reason()} to an OpenAI finish reason (see the
	 * class comment).
	 */
	public static String finishReason(String turnReason) {
		return CompletionChunks.finishReason(turnReason);
	}

	private void addRole(List<ChatCompletionChunk> chunks) {
		if (!this.roleSent) {
			this.roleSent = true;
			chunks.add(this.completion.role());
		}
	}

}
