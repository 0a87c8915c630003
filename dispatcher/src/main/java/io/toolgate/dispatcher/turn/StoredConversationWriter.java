package io.toolgate.dispatcher.turn;

import java.util.ArrayList;
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
 * tracked version and the held messages are only touched by one write at a time.
 */
final class StoredConversationWriter implements ConversationWriter {

	private final ConversationStore store;

	private final ConversationKey key;

	private final TurnLease lease;

	private final JsonMapper jsonMapper;

	private volatile long version;

	private volatile boolean deferAnswer;

	private volatile @Nullable List<String> answer;

	private volatile @Nullable List<String> step;

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
	 * {@link #takeAnswer()}: for turns whose events go to an event log. The turn's latest
	 * step ({@link #appendStep}) is held too, until the next step begins
	 * ({@link #storeHeldStep()}) or the end stores it ({@link #takeAnswer()},
	 * {@link #takeStep()}): a turn taken over meanwhile finds the step's calls and
	 * results in its log, as it would had the replica stopped before the step was stored.
	 */
	void deferAnswerToEnd() {
		this.deferAnswer = true;
	}

	/**
	 * Returns what a turn that completes stores with its terminal event: the held step
	 * and the held answer, in order; and forgets both.
	 * @return the messages at the version the writer last saw, or {@code null} if none
	 * are held
	 */
	TurnEnds.@Nullable Answer takeAnswer() {
		List<String> held = new ArrayList<>();
		List<String> heldStep = this.step;
		List<String> heldAnswer = this.answer;
		this.step = null;
		this.answer = null;
		if (heldStep != null) {
			held.addAll(heldStep);
		}
		if (heldAnswer != null) {
			held.addAll(heldAnswer);
		}
		return held.isEmpty() ? null : new TurnEnds.Answer(this.version, held);
	}

	/**
	 * Returns what a turn that ends otherwise (failed, cancelled, stopped) stores with
	 * its terminal event: the held step, whose calls ran; not an answer. Forgets both.
	 * @return the step at the version the writer last saw, or {@code null} if none is
	 * held
	 */
	TurnEnds.@Nullable Answer takeStep() {
		List<String> heldStep = this.step;
		this.step = null;
		this.answer = null;
		return (heldStep == null) ? null : new TurnEnds.Answer(this.version, heldStep);
	}

	@Override
	public Mono<Void> appendAnswer(List<ChatMessage> messages) {
		if (!this.deferAnswer) {
			return append(messages);
		}
		return Mono.fromRunnable(() -> this.answer = json(messages));
	}

	@Override
	public Mono<Void> appendStep(List<ChatMessage> messages) {
		if (!this.deferAnswer) {
			return append(messages);
		}
		return storeHeldStep().then(Mono.fromRunnable(() -> this.step = json(messages)));
	}

	@Override
	public Mono<Void> storeHeldStep() {
		return Mono.defer(() -> {
			List<String> held = this.step;
			if (held == null) {
				return Mono.empty();
			}
			return this.store.append(this.key, this.version, held, this.lease).doOnNext(conversation -> {
				this.version = conversation.version();
				this.step = null;
			}).then();
		});
	}

	private List<String> json(List<ChatMessage> messages) {
		return messages.stream().map(this.jsonMapper::writeValueAsString).toList();
	}

	@Override
	public Mono<Void> append(List<ChatMessage> messages) {
		return Mono.defer(() -> {
			List<String> json = messages.stream().map(this.jsonMapper::writeValueAsString).toList();
			return this.store.append(this.key, this.version, json, this.lease);
		}).doOnNext(conversation -> this.version = conversation.version()).then();
	}

}
