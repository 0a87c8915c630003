package io.toolgate.streaming.upstream;

import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Generates tool-call arguments that satisfy a tool's JSON Schema, taking values from the
 * request text where it has them (see {@link RequestValues}). Supported: {@code type} (a
 * string or an array; {@code null} is avoided when another type is allowed),
 * {@code const}, {@code enum} (a value named in the text, else the first),
 * {@code default}, {@code examples}, objects (every declared property, plus required ones
 * not declared; nothing else, so {@code additionalProperties: false} holds), arrays
 * ({@code items}, {@code minItems}, {@code maxItems}, {@code uniqueItems} for scalars),
 * strings ({@code minLength}, {@code maxLength}, {@code format} date-time, date, time,
 * email, uri and uuid), numbers and integers ({@code minimum}, {@code maximum}, both
 * forms of exclusive bounds, integer {@code multipleOf}), booleans, local {@code $ref}s
 * ({@code #/...}) and {@code anyOf}/{@code oneOf}/{@code allOf} (the first branch).
 * {@code pattern} is not honoured.
 */
final class SchemaArguments {

	private static final int MAX_DEPTH = 8;

	private static final int DEFAULT_MAX_ITEMS = 3;

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private static final Set<String> TEXT_PROPERTIES = Set.of("query", "q", "text", "message", "prompt", "content",
			"input", "question", "expression", "sentence", "body", "search", "topic", "description");

	private static final Map<String, String> FORMATS = Map.of("date-time", "2025-01-01T12:00:00Z", "date", "2025-01-01",
			"time", "12:00:00Z", "email", "user@example.com", "uri", "https://example.com/", "url",
			"https://example.com/", "uuid", "00000000-0000-4000-8000-000000000000", "hostname", "example.com", "ipv4",
			"127.0.0.1");

	private final JsonNode root;

	private final RequestValues values;

	private SchemaArguments(JsonNode root, RequestValues values) {
		this.root = root;
		this.values = values;
	}

	/**
	 * Returns arguments for a tool with parameters schema {@code schema}, from the
	 * request {@code text}.
	 * @param schema the parameters schema, or a missing/null node for a tool without
	 * parameters
	 * @param text the request text values are taken from
	 * @return the arguments object
	 */
	static ObjectNode generate(JsonNode schema, String text) {
		if (schema == null || !schema.isObject()) {
			return NODES.objectNode();
		}
		JsonNode value = new SchemaArguments(schema, new RequestValues(text)).value(schema, "", 0);
		return value.isObject() ? (ObjectNode) value : NODES.objectNode();
	}

	private JsonNode value(JsonNode declared, String name, int depth) {
		JsonNode schema = resolve(declared);
		if (depth > MAX_DEPTH) {
			return NODES.nullNode();
		}
		if (schema.has("const")) {
			return schema.get("const");
		}
		JsonNode choices = schema.path("enum");
		if (choices.isArray() && !choices.isEmpty()) {
			return this.values.pick(choices);
		}
		return switch (type(schema)) {
			case "object" -> object(schema, depth);
			case "array" -> array(schema, name, depth);
			case "integer" -> number(schema, true);
			case "number" -> number(schema, false);
			case "boolean" -> bool(schema);
			case "null" -> NODES.nullNode();
			default -> string(schema, name);
		};
	}

	private JsonNode resolve(JsonNode schema) {
		JsonNode current = schema;
		for (int i = 0; i < MAX_DEPTH; i++) {
			String ref = current.path("$ref").asString("");
			if (ref.startsWith("#")) {
				JsonNode target = this.root.at(ref.substring(1));
				current = target.isObject() ? target : NODES.objectNode();
				continue;
			}
			if (current.has("type") || current.has("properties")) {
				return current;
			}
			JsonNode branch = firstBranch(current);
			if (branch == null) {
				return current;
			}
			current = branch;
		}
		return current;
	}

	private static JsonNode firstBranch(JsonNode schema) {
		for (String keyword : new String[] { "anyOf", "oneOf", "allOf" }) {
			JsonNode branches = schema.path(keyword);
			if (branches.isArray()) {
				for (JsonNode branch : branches) {
					if (branch.isObject() && !"null".equals(branch.path("type").asString(""))) {
						return branch;
					}
				}
			}
		}
		return null;
	}

	private static String type(JsonNode schema) {
		JsonNode type = schema.path("type");
		if (type.isString()) {
			return type.asString();
		}
		if (type.isArray()) {
			for (JsonNode option : type) {
				if (!"null".equals(option.asString(""))) {
					return option.asString("string");
				}
			}
			return "null";
		}
		if (schema.has("properties")) {
			return "object";
		}
		return schema.has("items") ? "array" : "string";
	}

	private ObjectNode object(JsonNode schema, int depth) {
		ObjectNode object = NODES.objectNode();
		for (Map.Entry<String, JsonNode> property : schema.path("properties").properties()) {
			object.set(property.getKey(), value(property.getValue(), property.getKey(), depth + 1));
		}
		for (JsonNode required : schema.path("required")) {
			String name = required.asString("");
			if (!name.isEmpty() && !object.has(name)) {
				object.set(name, value(NODES.objectNode(), name, depth + 1));
			}
		}
		return object;
	}

	private ArrayNode array(JsonNode schema, String name, int depth) {
		JsonNode items = schema.path("items").isObject() ? schema.path("items") : NODES.objectNode();
		int min = Math.max(0, schema.path("minItems").asInt(0));
		int max = schema.path("maxItems").isNumber() ? schema.path("maxItems").asInt()
				: Math.max(min, DEFAULT_MAX_ITEMS);
		String itemType = type(resolve(items));
		int wanted = ("number".equals(itemType) || "integer".equals(itemType)) ? this.values.numbersLeft() : 1;
		int count = Math.min(max, Math.max(min, Math.max(1, wanted)));
		ArrayNode array = NODES.arrayNode();
		Set<JsonNode> seen = new HashSet<>();
		for (int i = 0; i < count; i++) {
			JsonNode item = value(items, name, depth + 1);
			if (schema.path("uniqueItems").asBoolean(false) && !seen.add(item)) {
				item = distinct(item, i);
				seen.add(item);
			}
			array.add(item);
		}
		return array;
	}

	private static JsonNode distinct(JsonNode item, int index) {
		if (item.isIntegralNumber()) {
			return NODES.numberNode(item.longValue() + index);
		}
		if (item.isNumber()) {
			return NODES.numberNode(item.doubleValue() + index);
		}
		return item.isString() ? NODES.stringNode(item.asString() + "-" + index) : item;
	}

	private JsonNode string(JsonNode schema, String name) {
		String value = FORMATS.get(schema.path("format").asString(""));
		if (value == null) {
			value = chooseString(schema, name);
		}
		int minLength = schema.path("minLength").asInt(0);
		int maxLength = schema.path("maxLength").isNumber() ? schema.path("maxLength").asInt() : Integer.MAX_VALUE;
		StringBuilder padded = new StringBuilder(value);
		while (padded.length() < minLength) {
			padded.append('x');
		}
		String result = padded.toString();
		return NODES.stringNode(result.length() > maxLength ? result.substring(0, Math.max(0, maxLength)) : result);
	}

	private String chooseString(JsonNode schema, String name) {
		String value = this.values.nextQuoted();
		if (value == null && TEXT_PROPERTIES.contains(name.toLowerCase(Locale.ROOT))) {
			value = this.values.text();
		}
		if (value == null) {
			value = this.values.nextCapitalised();
		}
		if (value == null && schema.path("default").isString()) {
			value = schema.path("default").asString();
		}
		if (value == null && schema.path("examples").path(0).isString()) {
			value = schema.path("examples").path(0).asString();
		}
		return (value != null) ? value : this.values.significantWords();
	}

	private JsonNode number(JsonNode schema, boolean integer) {
		Double taken = this.values.nextNumber();
		double value = (taken != null) ? taken
				: schema.path("default").isNumber() ? schema.path("default").asDouble() : Double.NaN;
		NumberRange range = NumberRange.of(schema, integer);
		double result = range.fit(value);
		if (integer || result == Math.rint(result) && Math.abs(result) < 1e15) {
			return NODES.numberNode((long) Math.rint(result));
		}
		return NODES.numberNode(result);
	}

	private JsonNode bool(JsonNode schema) {
		if (schema.path("default").isBoolean()) {
			return schema.path("default");
		}
		return NODES.booleanNode(this.values.saysYes());
	}

}
