package io.toolgate.streaming;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON settings this module's wire types need: unknown properties are ignored on read, absent primitives
 * read as zero, {@code null} values are omitted on write, and {@code isX()} helper methods of records (such as
 * {@code TurnEvent#isTerminal()}) are not written as properties.
 */
public final class StreamingJson {

	private static final JsonMapper MAPPER = adapt(JsonMapper.builder().build());

	private StreamingJson() {
	}

	/** Returns a shared, immutable mapper with this module's settings. */
	public static JsonMapper mapper() {
		return MAPPER;
	}

	/**
	 * Returns a copy of {@code mapper} with this module's settings applied on top of its own (for instance the
	 * application's Spring-configured mapper).
	 * @param mapper the mapper to start from; not changed
	 * @return a new mapper
	 */
	public static JsonMapper adapt(JsonMapper mapper) {
		return mapper.rebuild()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
			.changeDefaultVisibility((visibility) -> visibility.withIsGetterVisibility(JsonAutoDetect.Visibility.NONE))
			.build();
	}

}
