package io.toolgate.dispatcher.turn;

import java.time.Duration;

import io.toolgate.store.EventDraft;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.streaming.TurnEvent;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a running turn's events to its event log in batches: the events arriving within
 * the flush interval (or while a write is in flight) share one write, one Redis round
 * trip. Readers get an event once it is stored, never before: a client must not hold an
 * event id that a replica crash could leave out of the log.
 */
final class TurnEventWriter {

	/** Most events written to the event log in one write. */
	private static final int APPEND_BATCH_SIZE = 64;

	private final TurnEventLog eventLog;

	private final Duration flushInterval;

	private final JsonMapper jsonMapper;

	TurnEventWriter(TurnEventLog eventLog, Duration flushInterval, JsonMapper jsonMapper) {
		this.eventLog = eventLog;
		this.flushInterval = flushInterval;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Writes the events, one batch at a time.
	 * @param key the turn
	 * @param events its events, in order
	 * @param fence the writer's lease fence; the log refuses the writes of a replica
	 * whose lease another replica took
	 * @return the events as stored, with their ids; errors with the log's failure
	 */
	Flux<StoredEvent> write(TurnKey key, Flux<TurnEvent> events, String fence) {
		return events.map(this::draft)
			.bufferTimeout(APPEND_BATCH_SIZE, this.flushInterval, true)
			.concatMap(batch -> this.eventLog.appendAll(key, batch, fence), 1);
	}

	private EventDraft draft(TurnEvent event) {
		return draft(this.jsonMapper, event);
	}

	/**
	 * Returns an event as the log stores it.
	 * @param jsonMapper the mapper of events
	 * @param event the event
	 * @return its draft
	 */
	static EventDraft draft(JsonMapper jsonMapper, TurnEvent event) {
		return new EventDraft(event.type(), jsonMapper.writeValueAsString(event), event.isTerminal());
	}

}
