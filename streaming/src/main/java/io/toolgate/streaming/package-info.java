/**
 * The events a turn emits ({@link io.toolgate.streaming.TurnEvent}) and their two wire encodings: native SSE
 * (event name, id and JSON data) and OpenAI chat-completion chunks.
 */
@NullMarked
package io.toolgate.streaming;

import org.jspecify.annotations.NullMarked;
