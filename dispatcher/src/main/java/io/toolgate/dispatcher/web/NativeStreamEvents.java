package io.toolgate.dispatcher.web;

import io.toolgate.store.StoredEvent;
import io.toolgate.streaming.TurnEvent;
import org.jspecify.annotations.Nullable;
import org.springframework.http.codec.ServerSentEvent;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SSE form of a native stream's events: a stored event keeps its id and data; its
 * name is its type, except that the failure event is {@code turn.error} (or {@code error}
 * while {@code toolgate.http.legacy-error-event} is on, whichever name the log holds);
 * {@code turn.started} carries the stream token of a reader authenticated by API key.
 */
final class NativeStreamEvents {

	/**
	 * The last event of a stream that resumed after its turn's terminal event: nothing is
	 * left, and a client that reconnects by itself ({@code EventSource}) should stop
	 * instead of reconnecting.
	 */
	static final String STREAM_END = "stream.end";

	private final JsonMapper jsonMapper;

	private final boolean legacyErrorEvent;

	NativeStreamEvents(JsonMapper jsonMapper, boolean legacyErrorEvent) {
		this.jsonMapper = jsonMapper;
		this.legacyErrorEvent = legacyErrorEvent;
	}

	/**
	 * Returns the SSE event of a stored event.
	 * @param event the stored event
	 * @param streamToken added to {@code turn.started} as {@code streamToken} when not
	 * {@code null}
	 */
	ServerSentEvent<String> of(StoredEvent event, @Nullable String streamToken) {
		String data = event.data();
		if (streamToken != null && "turn.started".equals(event.type())) {
			ObjectNode started = (ObjectNode) this.jsonMapper.readTree(data);
			started.put("streamToken", streamToken);
			data = this.jsonMapper.writeValueAsString(started);
		}
		return ServerSentEvent.<String>builder(data).id(Long.toString(event.id())).event(name(event.type())).build();
	}

	/**
	 * Returns a failure of the stream itself, without an id: it is no event of the turn's
	 * log.
	 */
	ServerSentEvent<String> failure(TurnEvent.Error error) {
		return ServerSentEvent.<String>builder(this.jsonMapper.writeValueAsString(error))
			.event(name(error.type()))
			.build();
	}

	/** Returns the {@value #STREAM_END} event, without an id. */
	ServerSentEvent<String> streamEnd() {
		return ServerSentEvent.<String>builder("{\"reason\":\"turn_ended\"}").event(STREAM_END).build();
	}

	private String name(String type) {
		if (TurnEvent.Error.TYPE.equals(type) || TurnEvent.Error.LEGACY_TYPE.equals(type)) {
			return this.legacyErrorEvent ? TurnEvent.Error.LEGACY_TYPE : TurnEvent.Error.TYPE;
		}
		return type;
	}

}
