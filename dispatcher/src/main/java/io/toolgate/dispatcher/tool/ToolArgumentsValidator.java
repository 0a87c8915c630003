package io.toolgate.dispatcher.tool;

import java.util.ArrayList;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Checks tool-call arguments against a tool's compiled JSON Schema (draft 2020-12).
 * Thread-safe, non-blocking and CPU-only once created; compiling ({@link #compile})
 * happens at start-up.
 */
public final class ToolArgumentsValidator {

	/** At most this many violations are listed in a message. */
	static final int MAX_VIOLATIONS = 5;

	private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

	private static final String META_SCHEMA = "https://json-schema.org/draft/2020-12/schema";

	private final Schema schema;

	private final JsonMapper json;

	private ToolArgumentsValidator(Schema schema, JsonMapper json) {
		this.schema = schema;
		this.json = json;
	}

	/**
	 * Checks that a node is a JSON Schema for an arguments object and compiles it. Loads
	 * the draft 2020-12 meta-schema from the classpath on first use (blocking; call at
	 * start-up).
	 * @param inputSchema the schema
	 * @param json the mapper used to parse arguments
	 * @return the validator
	 * @throws IllegalArgumentException with a message describing what is wrong with the
	 * schema
	 */
	public static ToolArgumentsValidator compile(JsonNode inputSchema, JsonMapper json) {
		if (!inputSchema.isObject()) {
			throw new IllegalArgumentException("input-schema must be an object");
		}
		if (!"object".equals(inputSchema.path("type").asString(""))) {
			throw new IllegalArgumentException("input-schema must have \"type\": \"object\"");
		}
		List<Error> metaErrors = SCHEMAS.getSchema(SchemaLocation.of(META_SCHEMA)).validate(inputSchema);
		if (!metaErrors.isEmpty()) {
			throw new IllegalArgumentException(
					"input-schema is not a valid JSON Schema: " + describe(metaErrors, "schema"));
		}
		try {
			Schema schema = SCHEMAS.getSchema(inputSchema);
			schema.initializeValidators();
			// Producing one violation now loads the validator's message bundle from the
			// jar (a blocking read),
			// so that the first invalid arguments at run time never touch the disk on an
			// event-loop thread.
			schema.validate(json.getNodeFactory().stringNode("warm-up")).forEach(Error::getMessage);
			return new ToolArgumentsValidator(schema, json);
		}
		catch (SchemaException ex) {
			throw new IllegalArgumentException("input-schema does not compile: " + ex.getMessage(), ex);
		}
	}

	/**
	 * Parses and checks arguments as the model produced them.
	 * @param arguments a JSON document, possibly invalid
	 * @return {@link ArgumentsCheck.Valid} with the parsed object, or
	 * {@link ArgumentsCheck.Invalid} with the violations
	 */
	public ArgumentsCheck check(String arguments) {
		JsonNode node;
		try {
			node = this.json.readTree(arguments);
		}
		catch (JacksonException ex) {
			return new ArgumentsCheck.Invalid("arguments are not valid JSON");
		}
		return check(node);
	}

	/**
	 * Checks parsed arguments.
	 * @param arguments the arguments; must be a JSON object
	 * @return {@link ArgumentsCheck.Valid} or {@link ArgumentsCheck.Invalid} with the
	 * violations
	 */
	public ArgumentsCheck check(JsonNode arguments) {
		if (arguments == null || !arguments.isObject()) {
			return new ArgumentsCheck.Invalid("arguments must be a JSON object");
		}
		List<Error> errors = this.schema.validate(arguments);
		if (errors.isEmpty()) {
			return new ArgumentsCheck.Valid(arguments);
		}
		return new ArgumentsCheck.Invalid(describe(errors, "arguments"));
	}

	private static String describe(List<Error> errors, String root) {
		List<String> lines = new ArrayList<>();
		for (Error error : errors.subList(0, Math.min(errors.size(), MAX_VIOLATIONS))) {
			lines.add(root + error.getInstanceLocation() + ": " + error.getMessage());
		}
		if (errors.size() > MAX_VIOLATIONS) {
			lines.add("and " + (errors.size() - MAX_VIOLATIONS) + " more");
		}
		return String.join("; ", lines);
	}

}
