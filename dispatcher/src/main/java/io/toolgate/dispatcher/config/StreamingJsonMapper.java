package io.toolgate.dispatcher.config;

import io.toolgate.streaming.StreamingJson;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one mapper with the streaming module's settings ({@link StreamingJson#adapt}), made
 * once from the application's mapper and shared by the model client and the chunk
 * encoders. A type of its own, so that it is injected by type without competing with the
 * application's {@link JsonMapper}.
 *
 * @param mapper the adapted mapper
 */
public record StreamingJsonMapper(JsonMapper mapper) {

	/**
	 * Adapts the application's mapper; call once.
	 * @param applicationMapper the application's mapper; not changed
	 * @return the adapted mapper
	 */
	public static StreamingJsonMapper adapt(JsonMapper applicationMapper) {
		return new StreamingJsonMapper(StreamingJson.adapt(applicationMapper));
	}

}
