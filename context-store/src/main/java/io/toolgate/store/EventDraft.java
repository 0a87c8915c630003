package io.toolgate.store;

/**
 * An event to append to a turn's event log; the log assigns its id.
 *
 * @param type the event type (the SSE event name)
 * @param data the event data, an opaque JSON document
 * @param terminal whether this event ends the turn
 */
public record EventDraft(String type, String data, boolean terminal) {
}
