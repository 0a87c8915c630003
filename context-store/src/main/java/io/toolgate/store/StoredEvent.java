package io.toolgate.store;

/**
 * One event of a turn's event log.
 *
 * @param id the event id, 1 for the first event of a turn and increasing by one
 * @param type the event type (the SSE event name)
 * @param data the event data, an opaque JSON document
 * @param terminal whether this event ends the turn
 */
public record StoredEvent(long id, String type, String data, boolean terminal) {
}
