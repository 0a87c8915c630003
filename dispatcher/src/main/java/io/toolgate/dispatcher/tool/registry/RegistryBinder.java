package io.toolgate.dispatcher.tool.registry;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.InvalidFormatException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.type.LogicalType;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads registry YAML and binds it to a {@link RegistryFile}. Keys are kebab-case and
 * unknown keys are rejected; values must have their declared type (no string-to-number or
 * number-to-string coercion); durations are written as Spring Boot reads them
 * ({@code 500ms}, {@code 5s}, {@code PT5S}). A binding error becomes one problem naming
 * the tool (by name, else by position) and the key.
 */
final class RegistryBinder {

	private final YAMLMapper yaml = YAMLMapper.builder()
		.propertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
		.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
		.withCoercionConfig(LogicalType.Integer,
				(config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.Float,
				(config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.Boolean,
				(config) -> config.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail))
		.withCoercionConfig(LogicalType.Textual,
				(config) -> config.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
					.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
		.addModule(new SimpleModule("registry-durations").addDeserializer(Duration.class, new DurationDeserializer()))
		.build();

	/**
	 * Parses YAML text into a tree.
	 * @throws JacksonException if the text is not YAML
	 */
	@Nullable JsonNode readTree(String document) {
		return this.yaml.readTree(document);
	}

	/**
	 * Binds a registry tree.
	 * @param root the tree, a mapping
	 * @param source where it came from, for messages
	 * @throws InvalidToolRegistryException naming the first binding problem
	 */
	RegistryFile bind(JsonNode root, String source) {
		try {
			return this.yaml.treeToValue(root, RegistryFile.class);
		}
		catch (JacksonException ex) {
			throw new InvalidToolRegistryException(source, List.of(problem(root, ex)), ex);
		}
	}

	private static String problem(JsonNode root, JacksonException ex) {
		List<JacksonException.Reference> path = ex.getPath();
		String subject = "registry";
		int keyStart = 0;
		if (!path.isEmpty() && "defaults".equals(path.get(0).getPropertyName())) {
			subject = "defaults";
			keyStart = 1;
		}
		else if (path.size() > 1 && "tools".equals(path.get(0).getPropertyName())) {
			subject = toolSubject(root.path("tools").path(path.get(1).getIndex()), path.get(1).getIndex());
			keyStart = 2;
		}
		String key = path.subList(keyStart, path.size())
			.stream()
			.map((reference) -> (reference.getPropertyName() != null) ? reference.getPropertyName()
					: "[" + reference.getIndex() + "]")
			.collect(Collectors.joining("."));
		return subject + ": " + describe(ex, key);
	}

	private static String toolSubject(JsonNode tool, int index) {
		JsonNode name = tool.path("name");
		return name.isString() ? "tool '" + name.stringValue() + "'" : "tool #" + (index + 1);
	}

	private static String describe(JacksonException ex, String key) {
		if (ex instanceof UnrecognizedPropertyException) {
			return "unknown property '" + key + "'";
		}
		if (!(ex instanceof MismatchedInputException mismatch) || mismatch.getTargetType() == null) {
			return ex.getOriginalMessage();
		}
		Class<?> target = mismatch.getTargetType();
		String subject = key.isEmpty() ? "" : key + " ";
		if (target == Duration.class) {
			Object value = (ex instanceof InvalidFormatException format) ? format.getValue() : null;
			String got = (value != null) ? ", got '" + value + "'" : "";
			return subject + "must be a duration such as 500ms, 5s or PT5S" + got;
		}
		if (target == Integer.class || target == int.class) {
			return subject + "must be an integer";
		}
		if (target == Double.class || target == double.class || target == java.math.BigDecimal.class) {
			return subject + "must be a number";
		}
		if (target == Boolean.class || target == boolean.class) {
			return subject + "must be true or false";
		}
		if (target == String.class) {
			return subject + "must be a string";
		}
		if (List.class.isAssignableFrom(target)) {
			return "'" + key + "' must be a list";
		}
		if ("executor".equals(key)) {
			return "executor is required and must be a mapping with a 'type'";
		}
		return subject + "must be a mapping";
	}

	/**
	 * Reads a scalar as Spring Boot reads durations: {@code 500ms}, {@code 5s},
	 * {@code PT5S}, or a number of ms.
	 */
	private static final class DurationDeserializer extends ValueDeserializer<Duration> {

		@Override
		public Duration deserialize(JsonParser parser, DeserializationContext context) {
			if (!parser.currentToken().isScalarValue()) {
				return (Duration) context.handleUnexpectedToken(Duration.class, parser);
			}
			String text = parser.getString();
			try {
				return DurationStyle.detectAndParse(text);
			}
			catch (IllegalArgumentException ex) {
				throw InvalidFormatException.from(parser, "not a duration", text, Duration.class);
			}
		}

	}

}
