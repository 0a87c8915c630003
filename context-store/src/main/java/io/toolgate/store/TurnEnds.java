package io.toolgate.store;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The end of a conversation turn as one store operation: append the turn's last events,
 * the last one terminal, fenced by the turn's lease, and release the lease. A client that
 * reads the terminal event can start the conversation's next turn at once. On Redis that
 * is one round trip instead of two.
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
	Flux<StoredEvent> end(TurnKey key, List<EventDraft> events, TurnLease lease);

	/**
	 * Returns the end made of the two stores' own operations, one after the other: for
	 * stores in this process, where a round trip costs nothing. A failed release is left
	 * to the lease's time to live.
	 * @param eventLog the turn event logs
	 * @param leases the leases
	 * @return the turn ends
	 */
	static TurnEnds sequential(TurnEventLog eventLog, TurnLeases leases) {
		return (key, events, lease) -> eventLog.appendAll(key, events, lease.fence())
			.collectList()
			.flatMapMany((stored) -> leases.release(lease)
				.onErrorResume((ex) -> Mono.empty())
				.thenMany(Flux.fromIterable(stored)));
	}

}
