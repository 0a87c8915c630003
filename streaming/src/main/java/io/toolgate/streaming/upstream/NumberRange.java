package io.toolgate.streaming.upstream;

import tools.jackson.databind.JsonNode;

/**
 * The bounds a JSON Schema puts on a number: {@code minimum}/{@code maximum},
 * {@code exclusiveMinimum} and {@code exclusiveMaximum} as numbers (2019+) or as booleans
 * (draft 4), and {@code multipleOf} for integers.
 *
 * @param low the lowest allowed value, inclusive
 * @param high the highest allowed value, inclusive
 * @param integer whether values are integers
 * @param multipleOf the step integers must be multiples of, or 0
 */
record NumberRange(double low, double high, boolean integer, double multipleOf) {

	static NumberRange of(JsonNode schema, boolean integer) {
		// Values step off an exclusive bound by one for integers and by a small amount
		// for numbers.
		double step = integer ? 1 : 0.001;
		double low = bound(schema, "minimum", "exclusiveMinimum", -Double.MAX_VALUE, step);
		double high = bound(schema, "maximum", "exclusiveMaximum", Double.MAX_VALUE, -step);
		if (integer) {
			low = Math.ceil(low);
			high = Math.floor(high);
		}
		double multipleOf = (integer && schema.path("multipleOf").isNumber())
				? Math.max(1, Math.rint(schema.path("multipleOf").asDouble())) : 0;
		return new NumberRange(low, high, integer, multipleOf);
	}

	private static double bound(JsonNode schema, String inclusive, String exclusive, double none, double step) {
		JsonNode exclusiveNode = schema.path(exclusive);
		if (exclusiveNode.isNumber()) {
			return exclusiveNode.asDouble() + step;
		}
		if (schema.path(inclusive).isNumber()) {
			double value = schema.path(inclusive).asDouble();
			return exclusiveNode.asBoolean(false) ? value + step : value;
		}
		return none;
	}

	/** Returns {@code value} (or a default when it is NaN) moved into the range. */
	double fit(double value) {
		double result = Double.isNaN(value) ? defaultValue() : value;
		if (this.integer) {
			result = Math.rint(result);
			if (this.multipleOf > 1) {
				result = Math.rint(result / this.multipleOf) * this.multipleOf;
				result = (result < this.low) ? result + this.multipleOf : result;
				result = (result > this.high) ? result - this.multipleOf : result;
			}
		}
		return Math.max(this.low, Math.min(this.high, result));
	}

	private double defaultValue() {
		double start = (this.low > -Double.MAX_VALUE) ? this.low : 1;
		return Math.min(start, this.high);
	}

}
