package io.toolgate.streaming;

import java.util.Map;

import org.springframework.http.codec.ServerSentEvent;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/**
 * The native SSE encoding of {@link TurnEvent}s: event name {@link TurnEvent#type()}, the event log's id, and
 * the record as JSON data. The same JSON is what the event log stores, so {@link #fromJson} reads back what
 * {@link #toJson} wrote. Thread-safe.
 */
public final class SseEncoder {

	private static final Map<String, Class<? extends TurnEvent>> TYPES = Map.of("turn.started",
			TurnEvent.TurnStarted.class, "token", TurnEvent.Token.class, "tool.call",
			TurnEvent.ToolCallStarted.class, "tool.result", TurnEvent.ToolResult.class, "turn.completed",
			TurnEvent.TurnCompleted.class, "error", TurnEvent.Error.class, "turn.resumed", TurnEvent.TurnResumed.class);

	private final JsonMapper jsonMapper;

	/**
	 * Creates an encoder.
	 * @param jsonMapper the mapper; {@link StreamingJson#adapt} is applied to it
	 */
	public SseEncoder(JsonMapper jsonMapper) {
		this.jsonMapper = StreamingJson.adapt(jsonMapper);
	}

	/** Creates an encoder with {@link StreamingJson#mapper()}. */
	public SseEncoder() {
		this.jsonMapper = StreamingJson.mapper();
	}

	/**
	 * Encodes an event as an SSE event.
	 * @param id the event's id in its turn's log
	 * @param event the event
	 * @return the SSE event: name {@code event.type()}, id {@code String.valueOf(id)}, data the event's JSON
	 */
	public ServerSentEvent<String> encode(long id, TurnEvent event) {
		return ServerSentEvent.builder(toJson(event)).id(String.valueOf(id)).event(event.type()).build();
	}

	/**
	 * Writes an event as JSON, without its type (null fields omitted).
	 * @param event the event
	 * @return the JSON
	 */
	public String toJson(TurnEvent event) {
		return this.jsonMapper.writeValueAsString(event);
	}

	/**
	 * Reads an event back from its type and JSON.
	 * @param type the event's {@link TurnEvent#type()}
	 * @param json the JSON {@link #toJson} wrote
	 * @return the event
	 * @throws IllegalArgumentException if the type is unknown or the JSON does not fit it
	 */
	public TurnEvent fromJson(String type, String json) {
		Class<? extends TurnEvent> eventClass = TYPES.get(type);
		if (eventClass == null) {
			throw new IllegalArgumentException("Unknown turn event type");
		}
		try {
			return this.jsonMapper.readValue(json, eventClass);
		}
		catch (JacksonException ex) {
			throw new IllegalArgumentException("Turn event JSON does not match its type", ex);
		}
	}

}
