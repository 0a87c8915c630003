package io.toolgate.store;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The end of a conversation turn as one store operation: append the turn's answer to the
 * conversation (when it has one to store), append the turn's last events, the last one
 * terminal, fenced by the turn's lease, and release the lease. A client that reads the
 * terminal event can start the conversation's next turn at once, on a conversation that
 * holds the answer. On Redis that is one round trip instead of three.
 */
public interface TurnEnds {

	/**
	 * Ends a turn.
	 * @param key the turn
	 * @param events its last events, the last one terminal, as
	 * {@link TurnEventLog#appendAll(TurnKey, List, String)} takes them
	 * @param lease the turn's lease, whose fence the log checks and which is released
	 * once the events are stored
	 * @return the stored events, emitted once the lease is released; errors as
	 * {@link TurnEventLog#appendAll(TurnKey, List, String)} does, and then the lease is
	 * still held
	 */
	default Flux<StoredEvent> end(TurnKey key, List<EventDraft> events, TurnLease lease) {
		return end(key, events, lease, null);
	}

	/**
	 * Ends a turn, storing its answer with its last events: both or neither.
	 * @param key the turn
	 * @param events its last events, the last one terminal, as
	 * {@link TurnEventLog#appendAll(TurnKey, List, String)} takes them
	 * @param lease the turn's lease, whose fence both the conversation and the log check
	 * and which is released once both are written
	 * @param answer the messages to append to the turn's conversation first, or
	 * {@code null}
	 * @return the stored events, emitted once the lease is released; errors as
	 * {@link TurnEventLog#appendAll(TurnKey, List, String)} and
	 * {@link ConversationStore#append} do, and then nothing was written and the lease is
	 * still held
	 */
	Flux<StoredEvent> end(TurnKey key, List<EventDraft> events, TurnLease lease, @Nullable Answer answer);

	/**
	 * Returns the end made of the stores' own operations, one after the other: for stores
	 * in this process, where a round trip costs nothing. Not atomic: the answer is stored
	 * before the events are, so an event append that fails (the log was evicted or is
	 * full) leaves it stored. A failed release is left to the lease's time to live.
	 * @param conversations the conversations
	 * @param eventLog the turn event logs
	 * @param leases the leases
	 * @return the turn ends
	 */
	static TurnEnds sequential(ConversationStore conversations, TurnEventLog eventLog, TurnLeases leases) {
		return (key, events, lease, answer) -> {
			Mono<?> stored = (answer != null)
					? conversations.append(key.conversation(), answer.expectedVersion(), answer.messages(), lease)
					: Mono.empty();
			return stored.thenMany(eventLog.appendAll(key, events, lease.fence()))
				.collectList()
				.flatMapMany((appended) -> leases.release(lease)
					.onErrorResume((ex) -> Mono.empty())
					.thenMany(Flux.fromIterable(appended)));
		};
	}

	/**
	 * A turn's answer, as {@link ConversationStore#append} takes it.
	 *
	 * @param expectedVersion the conversation's version the turn last saw
	 * @param messages the messages, JSON, in order
	 */
	record Answer(long expectedVersion, List<String> messages) {

		public Answer {
			messages = List.copyOf(messages);
		}

	}

}
