package io.toolgate.streaming;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON settings this module's wire types need: unknown properties are ignored on
 * read, absent primitives read as zero, {@code null} values are omitted on write, and
 * {@code isX()} helper methods of records (such as {@code TurnEvent#isTerminal()}) are
 * not written as properties.
 * <p>
 * The classes of this module that take a mapper ({@code OpenAiModelClient},
 * {@link OpenAiChunkEncoder}, {@code SimulatedModelClient}) use it as given: pass
 * {@link #mapper()} or a mapper made once by {@link #adapt(JsonMapper)} and shared, never
 * a fresh adaptation per use.
 */
public final class StreamingJson {

	private static final JsonMapper MAPPER = build(JsonMapper.builder().build());

	private StreamingJson() {
	}

	/** Returns a shared, immutable mapper with this module's settings. */
	public static JsonMapper mapper() {
		return MAPPER;
	}

	/**
	 * Returns a copy of {@code mapper} with this module's settings applied on top of its
	 * own (for instance the application's Spring-configured mapper). Building a mapper is
	 * costly and a new one starts with empty serializer caches: adapt once, at start-up,
	 * and share the result.
	 * @param mapper the mapper to start from; not changed
	 * @return a new mapper, on every call
	 */
	public static JsonMapper adapt(JsonMapper mapper) {
		return build(mapper);
	}

	/**
	 * Returns {@code mapper} if it has this module's settings (as {@link #mapper()} and
	 * {@link #adapt} make them): a cheap check for constructors that use a mapper as
	 * given, so that a plain mapper fails loudly instead of writing {@code null} fields.
	 * @param mapper the mapper
	 * @return {@code mapper}
	 * @throws IllegalArgumentException if it lacks the settings
	 */
	public static JsonMapper requireSettings(JsonMapper mapper) {
		boolean adapted = !mapper.isEnabled(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
				&& !mapper.isEnabled(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
				&& mapper.serializationConfig()
					.getDefaultPropertyInclusion()
					.getValueInclusion() == JsonInclude.Include.NON_NULL;
		if (!adapted) {
			throw new IllegalArgumentException(
					"The mapper lacks the streaming settings: use StreamingJson.mapper() or StreamingJson.adapt");
		}
		return mapper;
	}

	private static JsonMapper build(JsonMapper mapper) {
		return mapper.rebuild()
			.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
			.disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
			.changeDefaultPropertyInclusion((inclusion) -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
			.changeDefaultVisibility((visibility) -> visibility.withIsGetterVisibility(JsonAutoDetect.Visibility.NONE))
			.build();
	}

}
