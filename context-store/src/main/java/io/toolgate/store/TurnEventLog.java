package io.toolgate.store;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The ordered events of each turn, kept for a while after the turn ends so that a client
 * can reconnect with {@code Last-Event-ID} and resume with no gap and no duplicate.
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
	 * Appends events in order, assigning each the next id. Only the last may be terminal;
	 * nothing may be appended after a terminal event. Appends of one turn must not be
	 * issued concurrently.
	 * @param key the turn
	 * @param events the events; none appends nothing
	 * @return the stored events with their ids, in order; errors with
	 * {@link TurnNotFoundException} if the log does not exist. After an error none of the
	 * events may have been stored, except that implementations writing one event at a
	 * time may have stored (and emitted) a prefix
	 */
	Flux<StoredEvent> appendAll(TurnKey key, List<EventDraft> events);

	/**
	 * Appends events like {@link #appendAll(TurnKey, List)}, but only for the log's
	 * writer: once another writer has {@link #claim claimed} the log, appends by earlier
	 * writers are refused, so a replica that lost a turn can never add to it after
	 * another replica took it over. A log nobody claimed accepts every writer.
	 * @param key the turn
	 * @param events the events; none appends nothing
	 * @param writer identifies the appender, e.g. the fence of its conversation lease
	 * @return as {@link #appendAll(TurnKey, List)}; also errors with
	 * {@link LeaseLostException} when another writer claimed the log, storing nothing
	 */
	Flux<StoredEvent> appendAll(TurnKey key, List<EventDraft> events, String writer);

	/**
	 * Makes {@code writer} the only writer whose {@link #appendAll(TurnKey, List, String)
	 * fenced appends} the log accepts from now on; for a replica taking over a turn,
	 * after it took the turn's conversation lease.
	 * @param key the turn
	 * @param writer the new writer
	 * @return {@code true} if claimed, {@code false} if the turn has already ended
	 * (nothing changes); errors with {@link TurnNotFoundException} if the log does not
	 * exist
	 */
	Mono<Boolean> claim(TurnKey key, String writer);

	/**
	 * Reads the events stored now after {@code afterId}, without waiting for more.
	 * @param key the turn
	 * @param afterId the last id already known; 0 reads from the start
	 * @return the stored events in id order, then completion; empty if the log does not
	 * exist
	 */
	Flux<StoredEvent> readStored(TurnKey key, long afterId);

	/**
	 * Reads a turn's events after {@code afterId}: first those already stored, then live
	 * ones as they are appended, completing after the terminal event.
	 * @param key the turn
	 * @param afterId the last id the reader has seen; 0 reads from the start
	 * @return the events in id order; errors with {@link TurnNotFoundException} if the
	 * log does not exist
	 */
	Flux<StoredEvent> read(TurnKey key, long afterId);

	/**
	 * Tells whether a turn's log exists (created and not expired or deleted).
	 * @param key the turn
	 * @return whether it exists
	 */
	Mono<Boolean> exists(TurnKey key);

}
