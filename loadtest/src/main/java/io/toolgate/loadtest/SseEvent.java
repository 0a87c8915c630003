package io.toolgate.loadtest;

import org.jspecify.annotations.Nullable;

/**
 * One Server-Sent Event as a client received it.
 *
 * @param id the {@code id:} field, or {@code null}
 * @param event the {@code event:} field, or {@code message} when absent
 * @param data the {@code data:} lines joined with newlines
 * @param receivedNanos {@link System#nanoTime()} when its last line arrived, or 0 when
 * not recorded
 */
public record SseEvent(@Nullable String id, String event, String data, long receivedNanos) {

}
