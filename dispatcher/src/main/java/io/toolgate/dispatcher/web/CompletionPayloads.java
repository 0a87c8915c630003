package io.toolgate.dispatcher.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.toolgate.dispatcher.turn.CompletionStreams;
import io.toolgate.dispatcher.turn.TurnEngine;
import io.toolgate.streaming.OpenAiChunkEncoder;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A streamed chat completion's turn events as the SSE data payloads OpenAI clients read.
 * A turn a budget or cap ended ({@code budget_exhausted}) finishes with
 * {@code finish_reason: "length"}, which every OpenAI client accepts (the answer was cut
 * short at a limit), and the extension fields {@value #REASON_FIELD} and
 * {@value #BUDGET_FIELD} on the same chunk (and on a non-streamed response).
 */
final class CompletionPayloads {

	/** The extension field with the turn's own end reason. */
	static final String REASON_FIELD = "toolgate_reason";

	/** The extension field naming the budget that ended the turn. */
	static final String BUDGET_FIELD = "toolgate_budget";

	private final JsonMapper jsonMapper;

	CompletionPayloads(JsonMapper jsonMapper) {
		this.jsonMapper = jsonMapper;
	}

	/**
	 * The stream's SSE payloads in order, in groups of the payloads each turn event makes
	 * (none for most events but tokens and the end), the last ({@code [DONE]}) terminal;
	 * failures become an error payload. A token becomes one content chunk written from
	 * bytes (see {@link OpenAiChunkEncoder#contentChunkJson}), the most frequent and only
	 * per-token work of a pass-through stream. The role chunk comes first, at once, so
	 * that headers never wait for the model's first token.
	 */
	Flux<List<CompletionStreams.Payload>> payloads(Flux<TurnEvent> events, OpenAiChunkEncoder encoder,
			boolean toolProgress) {
		return payloads(events, encoder, toolProgress, null);
	}

	/**
	 * As {@link #payloads(Flux, OpenAiChunkEncoder, boolean)}, for a completion held
	 * while its turn waits for approvals: one that stopped waiting gets the hold's
	 * {@code awaiting_approval} chunk before its finish chunk.
	 */
	Flux<List<CompletionStreams.Payload>> payloads(Flux<TurnEvent> events, OpenAiChunkEncoder encoder,
			boolean toolProgress, @Nullable ApprovalHold hold) {
		List<CompletionStreams.Payload> first = encoder.roleChunkIfNeeded()
			.stream()
			.map(chunk -> new CompletionStreams.Payload(encoder.toJson(chunk), false))
			.toList();
		// map, not concatMapIterable: one element per event, no queue and no drain loop
		// per token.
		Flux<List<CompletionStreams.Payload>> groups = events.onErrorResume(ex -> Mono.just(TurnEngine.errorEvent(ex)))
			.map(event -> payloads(encoder, event, toolProgress, hold));
		return first.isEmpty() ? groups : Flux.concat(Mono.just(first), groups);
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
		if (event instanceof TurnEvent.TurnCompleted done && done.budget() != null) {
			data.addAll(budgetExhausted(encoder, done, done.budget()));
		}
		else {
			data.addAll(encoder.encode(event));
		}
		List<CompletionStreams.Payload> payloads = new ArrayList<>(data.size());
		for (int i = 0; i < data.size(); i++) {
			payloads.add(new CompletionStreams.Payload(data.get(i), event.isTerminal() && i == data.size() - 1));
		}
		return payloads;
	}

	/**
	 * The payloads of a turn a budget ended: as {@link OpenAiChunkEncoder#encode} writes
	 * them, the chunk with the finish reason ({@code length}) also carrying
	 * {@value #REASON_FIELD} ({@code budget_exhausted}) and {@value #BUDGET_FIELD} (which
	 * budget, its limit, what was used and a message), fields OpenAI clients ignore.
	 */
	private List<String> budgetExhausted(OpenAiChunkEncoder encoder, TurnEvent.TurnCompleted done,
			TurnEvent.ExhaustedBudget budget) {
		List<String> data = new ArrayList<>(4);
		for (ChatCompletionChunk chunk : encoder.chunks(done)) {
			boolean finish = !chunk.choices().isEmpty() && chunk.choices().get(0).finishReason() != null;
			data.add(finish ? withBudget(this.jsonMapper, this.jsonMapper.valueToTree(chunk), done, budget)
					: encoder.toJson(chunk));
		}
		data.add(OpenAiChunkEncoder.DONE);
		return data;
	}

	/**
	 * The JSON of a chunk or response of a turn, with the extension fields of a turn a
	 * budget ended.
	 * @param jsonMapper writes it
	 * @param json the chunk or response
	 * @param done the turn's end
	 * @param budget the budget that ended it
	 * @return the JSON
	 */
	static String withBudget(JsonMapper jsonMapper, ObjectNode json, TurnEvent.TurnCompleted done,
			TurnEvent.ExhaustedBudget budget) {
		json.put(REASON_FIELD, done.reason());
		json.set(BUDGET_FIELD, jsonMapper.valueToTree(budget));
		return jsonMapper.writeValueAsString(json);
	}

	/**
	 * The body of a non-streamed completion: its response, with the extension fields of
	 * {@link #withBudget} when a budget ended the turn.
	 * @param jsonMapper writes it
	 * @param response the response
	 * @param done the turn's end
	 * @return the body's bytes
	 */
	static byte[] responseBody(JsonMapper jsonMapper, ChatCompletionResponse response, TurnEvent.TurnCompleted done) {
		TurnEvent.ExhaustedBudget budget = done.budget();
		if (budget == null) {
			return jsonMapper.writeValueAsBytes(response);
		}
		return withBudget(jsonMapper, jsonMapper.valueToTree(response), done, budget).getBytes(StandardCharsets.UTF_8);
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
