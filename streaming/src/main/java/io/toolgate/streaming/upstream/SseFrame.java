package io.toolgate.streaming.upstream;

import org.jspecify.annotations.Nullable;

/**
 * One dispatched Server-Sent Event.
 *
 * @param event the {@code event:} field of this event, or {@code null} when it had none
 * @param data the {@code data:} lines joined with {@code \n}
 * @param id the {@code id:} field of this event, or {@code null} when it had none (the
 * last-event-id of earlier events is not carried over)
 */
public record SseFrame(@Nullable String event, String data, @Nullable String id) {

	/** Returns a frame with data only. */
	public static SseFrame of(String data) {
		return new SseFrame(null, data, null);
	}

}
