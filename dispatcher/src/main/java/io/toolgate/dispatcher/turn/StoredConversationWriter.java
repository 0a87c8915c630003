package io.toolgate.dispatcher.turn;

import java.util.List;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnLease;
import io.toolgate.streaming.openai.ChatMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a turn's messages to the conversation store with compare-and-set on the version
 * it last saw, fenced by the turn's lease. Writes of one turn are sequential, so the
 * tracked version is only touched by one write at a time.
 */
final class StoredConversationWriter implements ConversationWriter {

	private final ConversationStore store;

	private final ConversationKey key;

	private final TurnLease lease;

	private final JsonMapper jsonMapper;

	private volatile long version;

	private volatile boolean deferAnswer;

	private volatile TurnEnds.@Nullable Answer answer;

	StoredConversationWriter(ConversationStore store, ConversationKey key, TurnLease lease, long version,
			JsonMapper jsonMapper) {
		this.store = store;
		this.key = key;
		this.lease = lease;
		this.version = version;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Makes {@link #appendAnswer} hold the answer for the turn's end, which stores it
	 * with the terminal event in one write ({@link TurnEnds}) and takes it with
	 * {@link #takeAnswer()}: for turns whose events go to an event log.
	 */
	void deferAnswerToEnd() {
		this.deferAnswer = true;
	}

	/**
	 * Returns the answer held for the turn's end, and forgets it.
	 * @return the answer, or {@code null} if none is held
	 */
	TurnEnds.@Nullable Answer takeAnswer() {
		TurnEnds.Answer held = this.answer;
		this.answer = null;
		return held;
	}

	@Override
	public Mono<Void> appendAnswer(List<ChatMessage> messages) {
		if (!this.deferAnswer) {
			return append(messages);
		}
		return Mono.fromRunnable(() -> this.answer = new TurnEnds.Answer(this.version,
				messages.stream().map(this.jsonMapper::writeValueAsString).toList()));
	}

	@Override
	public Mono<Void> append(List<ChatMessage> messages) {
		return Mono.defer(() -> {
			List<String> json = messages.stream().map(this.jsonMapper::writeValueAsString).toList();
			return this.store.append(this.key, this.version, json, this.lease);
		}).doOnNext(conversation -> this.version = conversation.version()).then();
	}

}
