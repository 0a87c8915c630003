package io.toolgate.loadtest.upstream;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ChatCompletionChunk.Delta;
import io.toolgate.streaming.openai.ChatCompletionChunk.FunctionDelta;
import io.toolgate.streaming.openai.ChatCompletionChunk.ToolCallDelta;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.upstream.SimulatedReply;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Renders a {@link SimulatedReply} as the SSE body of a streamed chat completion, in
 * groups that are sent one per pacing step: the role chunk goes with the first token,
 * each token is one chunk, tool calls are sent as fragments (first the id, type and name
 * of every call, then their arguments in up to three pieces, the calls interleaved), then
 * the finish chunk, the usage chunk when asked, and {@code [DONE]}. A cut reply stops
 * after its last token, with neither finish reason nor {@code [DONE]}.
 */
final class SimulatedChunks {

	private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);

	private static final int ARGUMENT_PIECES = 3;

	private final JsonMapper jsonMapper;

	private final SimulatedReply reply;

	private final long created;

	private final byte[] contentPrefix;

	private final byte[] contentSuffix;

	SimulatedChunks(JsonMapper jsonMapper, SimulatedReply reply, long created) {
		this.jsonMapper = jsonMapper;
		this.reply = reply;
		this.created = created;
		// Text chunks differ only in their content, so their JSON is spliced around the
		// escaped token.
		String head = "data: {\"id\":" + jsonMapper.writeValueAsString(reply.completionId())
				+ ",\"object\":\"chat.completion.chunk\",\"created\":" + created + ",\"model\":"
				+ jsonMapper.writeValueAsString(reply.model()) + ",\"choices\":[{\"index\":0,\"delta\":{\"content\":";
		this.contentPrefix = head.getBytes(StandardCharsets.UTF_8);
		this.contentSuffix = "},\"finish_reason\":null}]}\n\n".getBytes(StandardCharsets.US_ASCII);
	}

	/** Returns the body in pacing groups. */
	List<byte[]> groups(boolean includeUsage) {
		boolean cut = this.reply.failure() == SimulatedReply.Failure.STREAM_CUT;
		List<byte[]> groups = new ArrayList<>(this.reply.tokens().size() + 8);
		byte[] role = event(chunk(new Delta("assistant", "", null), null));
		List<String> tokens = cut ? this.reply.tokens().subList(0, this.reply.cutAfterTokens()) : this.reply.tokens();
		for (String token : tokens) {
			groups.add(contentEvent(token));
		}
		if (!cut) {
			toolCallFragments(groups);
			ByteArrayOutputStream last = new ByteArrayOutputStream();
			last.writeBytes(event(chunk(new Delta(null, null, null), this.reply.finishReason())));
			if (includeUsage) {
				last.writeBytes(event(ChatCompletionChunk.usage(this.reply.completionId(), this.created,
						this.reply.model(), this.reply.usage())));
			}
			last.writeBytes(DONE);
			groups.add(last.toByteArray());
		}
		if (groups.isEmpty()) {
			groups.add(role);
		}
		else {
			groups.set(0, concat(role, groups.get(0)));
		}
		return groups;
	}

	private void toolCallFragments(List<byte[]> groups) {
		List<ToolCall> calls = this.reply.toolCalls();
		for (int i = 0; i < calls.size(); i++) {
			ToolCall call = calls.get(i);
			FunctionDelta head = new FunctionDelta(call.function().name(), "");
			groups.add(event(toolChunk(new ToolCallDelta(i, call.id(), call.type(), head))));
		}
		for (int piece = 0; piece < ARGUMENT_PIECES; piece++) {
			for (int i = 0; i < calls.size(); i++) {
				String fragment = piece(calls.get(i).function().arguments(), piece);
				if (!fragment.isEmpty()) {
					groups.add(event(toolChunk(new ToolCallDelta(i, null, null, new FunctionDelta(null, fragment)))));
				}
			}
		}
	}

	/**
	 * Returns piece {@code index} of {@code text} cut in three, never inside a surrogate
	 * pair.
	 */
	static String piece(String text, int index) {
		int start = boundary(text, text.length() * index / ARGUMENT_PIECES);
		int end = boundary(text, text.length() * (index + 1) / ARGUMENT_PIECES);
		return text.substring(start, end);
	}

	private static int boundary(String text, int at) {
		return (at > 0 && at < text.length() && Character.isLowSurrogate(text.charAt(at))) ? at + 1 : at;
	}

	private byte[] contentEvent(String token) {
		byte[] escaped = this.jsonMapper.writeValueAsBytes(token);
		return concat(concat(this.contentPrefix, escaped), this.contentSuffix);
	}

	private ChatCompletionChunk toolChunk(ToolCallDelta delta) {
		return chunk(new Delta(null, null, List.of(delta)), null);
	}

	private ChatCompletionChunk chunk(Delta delta, @Nullable String finishReason) {
		return ChatCompletionChunk.of(this.reply.completionId(), this.created, this.reply.model(), delta, finishReason);
	}

	private byte[] event(ChatCompletionChunk chunk) {
		return concat(concat("data: ".getBytes(StandardCharsets.US_ASCII), this.jsonMapper.writeValueAsBytes(chunk)),
				"\n\n".getBytes(StandardCharsets.US_ASCII));
	}

	private static byte[] concat(byte[] first, byte[] second) {
		byte[] result = new byte[first.length + second.length];
		System.arraycopy(first, 0, result, 0, first.length);
		System.arraycopy(second, 0, result, first.length, second.length);
		return result;
	}

}
