package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.function.Function;
import java.util.concurrent.atomic.AtomicBoolean;

import io.toolgate.store.EventDraft;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import io.toolgate.streaming.TurnEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a running turn's events to its event log in batches: the events arriving within
 * the flush interval (or while a write is in flight) share one write, one Redis round
 * trip; the batch of the terminal event releases the turn's lease in the same write
 * ({@link TurnEnds}). The first batch ends with the model's first token, written at once,
 * so that batching adds nothing to the time to the first token. Readers get an event once
 * it is stored, never before: a client must not hold an event id that a replica crash
 * could leave out of the log.
 */
final class TurnEventWriter {

	/** Most events written to the event log in one write. */
	private static final int APPEND_BATCH_SIZE = 64;

	/** Events requested ahead of the batches, per turn. */
	private static final int WINDOW_PREFETCH = 32;

	private final TurnEventLog eventLog;

	private final TurnEnds ends;

	private final Duration flushInterval;

	private final JsonMapper jsonMapper;

	TurnEventWriter(TurnEventLog eventLog, TurnEnds ends, Duration flushInterval, JsonMapper jsonMapper) {
		this.eventLog = eventLog;
		this.ends = ends;
		this.flushInterval = flushInterval;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Writes the events, one batch at a time.
	 * @param key the turn
	 * @param events its events, in order
	 * @param lease the turn's lease: its fence makes the log refuse the writes of a
	 * replica whose lease another replica took, and it is released with the terminal
	 * event
	 * @param answers what the turn holds for its end, stored with its terminal event in
	 * the same write; asked once, for that batch, whether the turn completed
	 * ({@code turn.completed}: its held step and answer) or not (its held step only)
	 * @return the events as stored, with their ids (the terminal one once the lease is
	 * released); errors with the log's failure
	 */
	Flux<StoredEvent> write(TurnKey key, Flux<TurnEvent> events, TurnLease lease,
			Function<Boolean, TurnEnds.@Nullable Answer> answers) {
		return Flux.defer(() -> {
			AtomicBoolean firstToken = new AtomicBoolean();
			return events.map(this::draft)
				// A small prefetch: the queue lives as long as the turn.
				.windowUntil(
						draft -> TurnEvent.Token.TYPE.equals(draft.type()) && firstToken.compareAndSet(false, true),
						false, WINDOW_PREFETCH)
				.concatMap(window -> window.bufferTimeout(APPEND_BATCH_SIZE, this.flushInterval, true));
		})
			.concatMap(batch -> batch.getLast().terminal()
					? this.ends.end(key, batch, lease,
							answers.apply(TurnEvent.TurnCompleted.TYPE.equals(batch.getLast().type())))
					: this.eventLog.appendAll(key, batch, lease.fence()), 1);
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
