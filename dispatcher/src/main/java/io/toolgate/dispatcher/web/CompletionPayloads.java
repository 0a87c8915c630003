package io.toolgate.dispatcher.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.toolgate.dispatcher.turn.CompletionStreams;
import io.toolgate.dispatcher.turn.TurnEngine;
import io.toolgate.streaming.OpenAiChunkEncoder;
import io.toolgate.streaming.TurnEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A streamed chat completion's turn events as the SSE data payloads OpenAI clients read.
 */
final class CompletionPayloads {

	private final JsonMapper jsonMapper;

	CompletionPayloads(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * The stream's SSE payloads in order, the last ({@code [DONE]}) terminal; failures
	 * become an error payload. A token becomes one content chunk written from bytes (see
	 * {@link OpenAiChunkEncoder#contentChunkJson}), the most frequent and only per-token
	 * work of a pass-through stream. The role chunk comes first, at once, so that headers
	 * never wait for the model's first token.
	 */
	Flux<CompletionStreams.Payload> payloads(Flux<TurnEvent> events, OpenAiChunkEncoder encoder, boolean toolProgress) {
		return payloads(events, encoder, toolProgress, null);
	}

	/**
	 * As {@link #payloads(Flux, OpenAiChunkEncoder, boolean)}, for a completion held
	 * while its turn waits for approvals: one that stopped waiting gets the hold's
	 * {@code awaiting_approval} chunk before its finish chunk.
	 */
	Flux<CompletionStreams.Payload> payloads(Flux<TurnEvent> events, OpenAiChunkEncoder encoder, boolean toolProgress,
			@Nullable ApprovalHold hold) {
		List<CompletionStreams.Payload> first = encoder.roleChunkIfNeeded()
			.stream()
			.map(chunk -> new CompletionStreams.Payload(encoder.toJson(chunk), false))
			.toList();
		return events.onErrorResume(ex -> Mono.just(TurnEngine.errorEvent(ex)))
			.concatMapIterable(event -> payloads(encoder, event, toolProgress, hold))
			.startWith(first);
	}

	private List<CompletionStreams.Payload> payloads(OpenAiChunkEncoder encoder, TurnEvent event, boolean toolProgress,
			@Nullable ApprovalHold hold) {
		if (event instanceof TurnEvent.Token token && !token.text().isEmpty() && encoder.roleSent()) {
			return List.of(new CompletionStreams.Payload(
					new String(encoder.contentChunkJson(token.text()), StandardCharsets.UTF_8), false));
		}
		if (toolProgress && (event instanceof TurnEvent.ToolCallStarted || event instanceof TurnEvent.ToolResult)) {
			return List.of(new CompletionStreams.Payload(toolProgress(encoder, event), false));
		}
		List<String> data = new ArrayList<>(3);
		if (hold != null && event instanceof TurnEvent.TurnCompleted done
				&& ApprovalHold.REASON.equals(done.reason())) {
			data.add(hold.chunk(this.jsonMapper, encoder.completionId(), encoder.created(), encoder.model()));
		}
		if (event instanceof TurnEvent.TurnCompleted done && done.toolCalls() != null) {
			data.add(encoder.toJson(encoder.toolCallsChunk(done.toolCalls())));
		}
		data.addAll(encoder.encode(event));
		List<CompletionStreams.Payload> payloads = new ArrayList<>(data.size());
		for (int i = 0; i < data.size(); i++) {
			payloads.add(new CompletionStreams.Payload(data.get(i), event.isTerminal() && i == data.size() - 1));
		}
		return payloads;
	}

	/**
	 * A server-side tool call's progress ({@code stream_options.tool_progress}): a chunk
	 * with no choices, which OpenAI clients skip, and the native stream's event in a
	 * {@code toolgate} field, {@code {"event": "tool.call" or "tool.result", "data":
	 * {...}}}. Never a {@code tool_calls} delta or {@code finish_reason}: the calls are
	 * the gateway's, not the client's.
	 */
	private String toolProgress(OpenAiChunkEncoder encoder, TurnEvent event) {
		ObjectNode chunk = this.jsonMapper.createObjectNode();
		chunk.put("id", encoder.completionId());
		chunk.put("object", "chat.completion.chunk");
		chunk.put("created", encoder.created());
		chunk.put("model", encoder.model());
		chunk.putArray("choices");
		ObjectNode progress = chunk.putObject("toolgate");
		progress.put("event", event.type());
		progress.set("data", this.jsonMapper.valueToTree(event));
		return this.jsonMapper.writeValueAsString(chunk);
	}

}
