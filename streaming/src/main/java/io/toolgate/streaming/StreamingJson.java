package io.toolgate.streaming;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON settings this module's wire types need: unknown properties are ignored on read, absent primitives
 * read as zero, {@code null} values are omitted on write, and {@code isX()} helper methods of records (such as
 * {@code TurnEvent#isTerminal()}) are not written as properties.
 */
public final class StreamingJson {

	private static volatile @Nullable Adapted lastAdapted;

	private static final JsonMapper MAPPER = build(JsonMapper.builder().build());

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
		// Building a mapper is costly and a new one starts with empty serializer caches, so the last adaptation
		// is remembered: applications adapt one mapper over and over (one chunk encoder per stream).
		Adapted last = lastAdapted;
		if (last != null && (last.source == mapper || last.adapted == mapper)) {
			return last.adapted;
		}
		JsonMapper adapted = build(mapper);
		lastAdapted = new Adapted(mapper, adapted);
		return adapted;
	}

	private static JsonMapper build(JsonMapper mapper) {
		return mapper.rebuild()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
			.changeDefaultVisibility((visibility) -> visibility.withIsGetterVisibility(JsonAutoDetect.Visibility.NONE))
			.build();
	}

	private record Adapted(JsonMapper source, JsonMapper adapted) {
	}

}
