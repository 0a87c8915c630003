package io.toolgate.dispatcher.tool;

import tools.jackson.databind.JsonNode;

/** The outcome of checking a call's arguments against its tool's schema. */
public sealed interface ArgumentsCheck {

	/**
	 * The arguments are a JSON object that matches the schema.
	 *
	 * @param arguments the parsed arguments
	 */
	record Valid(JsonNode arguments) implements ArgumentsCheck {
	}

	/**
	 * The arguments are not JSON, not an object, or violate the schema.
	 *
	 * @param message the violations, concise and safe to show to the model
	 */
	record Invalid(String message) implements ArgumentsCheck {
	}

}
