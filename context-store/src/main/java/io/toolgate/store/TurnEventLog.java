package io.toolgate.store;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The ordered events of each turn, kept for a while after the turn ends so that a client can reconnect with
 * {@code Last-Event-ID} and resume with no gap and no duplicate.
 */
public interface TurnEventLog {

	/**
	 * Creates the log of a new turn.
	 * @param key the turn
	 * @param ttl how long the log is kept after its last write
	 * @return completion
	 */
	Mono<Void> create(TurnKey key, Duration ttl);

	/**
	 * Appends an event, assigning the next id. Appends of one turn must not be issued concurrently.
	 * @param key the turn
	 * @param type the event type
	 * @param data the event data
	 * @param terminal whether this event ends the turn; nothing may be appended after it
	 * @return the stored event with its id; errors with {@link TurnNotFoundException} if the log does not exist
	 */
	Mono<StoredEvent> append(TurnKey key, String type, String data, boolean terminal);

	/**
	 * Appends several events in order, as one write where the implementation can. Only the last may be terminal.
	 * Appends of one turn must not be issued concurrently.
	 * @param key the turn
	 * @param events the events, at least one
	 * @return the stored events with their ids, in order; errors as {@link #append} does, in which case none of
	 * the events may have been stored (implementations that write one at a time may have stored a prefix)
	 */
	default Flux<StoredEvent> appendAll(TurnKey key, List<EventDraft> events) {
		return Flux.fromIterable(events).concatMap(event -> append(key, event.type(), event.data(), event.terminal()));
	}

	/**
	 * Reads a turn's events after {@code afterId}: first those already stored, then live ones as they are
	 * appended, completing after the terminal event.
	 * @param key the turn
	 * @param afterId the last id the reader has seen; 0 reads from the start
	 * @return the events in id order; errors with {@link TurnNotFoundException} if the log does not exist
	 */
	Flux<StoredEvent> read(TurnKey key, long afterId);

	/**
	 * Tells whether a turn's log exists (created and not expired or deleted).
	 * @param key the turn
	 * @return whether it exists
	 */
	Mono<Boolean> exists(TurnKey key);

}
