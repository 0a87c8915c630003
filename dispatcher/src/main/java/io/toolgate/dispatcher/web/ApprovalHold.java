package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.toolgate.store.TurnKey;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.Usage;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Holds a streamed chat completion open while its turn waits for approvals, up to a
 * bound: past it the completion ends once, with {@value #REASON} as its turn's end (an
 * OpenAI {@code finish_reason} of {@code stop}, never {@code tool_calls}) and a chunk
 * with no choices whose {@code awaiting_approval} field names the pending approvals and
 * where the result will be: the conversation's turn, which goes on once they are decided.
 */
final class ApprovalHold {

	/** The turn end reason of a completion that stopped waiting. */
	static final String REASON = "awaiting_approval";

	private final TurnKey turn;

	private final Set<String> pending = new LinkedHashSet<>();

	ApprovalHold(TurnKey turn) {
		this.turn = turn;
	}

	/**
	 * The turn's events, ended by a {@value #REASON} completion when no event follows an
	 * {@code approval.required} within {@code hold}.
	 */
	Flux<TurnEvent> hold(Flux<TurnEvent> events, Duration hold) {
		return events.doOnNext(this::track)
			.timeout(Mono.never(),
					event -> (event instanceof TurnEvent.ApprovalRequired) ? Mono.delay(hold) : Mono.never())
			.onErrorResume(TimeoutException.class,
					ex -> Mono.just(new TurnEvent.TurnCompleted(REASON, null, null, Usage.ZERO, 0)));
	}

	/** The {@code awaiting_approval} chunk of a completion that stopped waiting. */
	String chunk(JsonMapper json, String completionId, long created, String model) {
		ObjectNode chunk = json.createObjectNode();
		chunk.put("id", completionId);
		chunk.put("object", "chat.completion.chunk");
		chunk.put("created", created);
		chunk.put("model", model);
		chunk.putArray("choices");
		ObjectNode awaiting = chunk.putObject(REASON);
		List<String> ids = new ArrayList<>(this.pending);
		awaiting.put("approval_id", ids.isEmpty() ? null : ids.get(0));
		ids.forEach(awaiting.putArray("approval_ids")::add);
		awaiting.put("conversation_id", this.turn.conversation().conversationId());
		awaiting.put("turn_id", this.turn.turnId());
		return json.writeValueAsString(chunk);
	}

	private void track(TurnEvent event) {
		if (event instanceof TurnEvent.ApprovalRequired required) {
			this.pending.add(required.approvalId());
		}
		else if (event instanceof TurnEvent.ApprovalResolved resolved) {
			this.pending.remove(resolved.approvalId());
		}
	}

}
