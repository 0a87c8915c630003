package io.toolgate.dispatcher.web;

import io.toolgate.dispatcher.error.ToolgateException;
import tools.jackson.databind.JsonNode;

/**
 * Checks the sampling parameters of a chat completion as OpenAI does: each is optional
 * (absent or {@code null}), and when given it must be a number in range, else the request
 * is a 400 naming the field. {@code n} is bounded by {@code toolgate.turn.max-choices}.
 */
final class SamplingParameters {

	private SamplingParameters() {
	}

	/**
	 * Checks a chat-completion body.
	 * @param body the body, a JSON object
	 * @param maxChoices the largest {@code n} accepted
	 * @throws ToolgateException 400 naming the first parameter out of range or of the
	 * wrong type
	 */
	static void check(JsonNode body, int maxChoices) {
		integer(body, "n", 1, maxChoices);
		integer(body, "max_tokens", 1, Integer.MAX_VALUE);
		integer(body, "max_completion_tokens", 1, Integer.MAX_VALUE);
		number(body, "temperature", 0, 2);
		number(body, "top_p", 0, 1);
	}

	private static void integer(JsonNode body, String field, long min, long max) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return;
		}
		String expected = (max == Integer.MAX_VALUE) ? "must be an integer of at least " + min
				: (min == max) ? "must be " + min : "must be an integer from " + min + " to " + max;
		if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < min
				|| value.longValue() > max) {
			throw ToolgateException.invalidField(field, expected);
		}
	}

	private static void number(JsonNode body, String field, double min, double max) {
		JsonNode value = body.get(field);
		if (value == null || value.isNull()) {
			return;
		}
		if (!value.isNumber() || !(value.doubleValue() >= min && value.doubleValue() <= max)) {
			throw ToolgateException.invalidField(field, "must be a number from " + format(min) + " to " + format(max));
		}
	}

	private static String format(double value) {
		return (value == Math.rint(value)) ? Long.toString((long) value) : Double.toString(value);
	}

}
