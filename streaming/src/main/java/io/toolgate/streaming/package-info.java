/**
 * The events a turn emits ({@link io.toolgate.streaming.TurnEvent}), their JSON settings
 * ({@link io.toolgate.streaming.StreamingJson}) and the OpenAI chat-completion chunk
 * encoding ({@link io.toolgate.streaming.OpenAiChunkEncoder}). A native SSE event is the
 * event's JSON under its {@link io.toolgate.streaming.TurnEvent#type()}, with the id its
 * turn's event log assigns.
 */
@NullMarked
package io.toolgate.streaming;

import org.jspecify.annotations.NullMarked;
