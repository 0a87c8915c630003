package io.toolgate.store;

/**
 * What calls to one model spent, or what one call spent.
 *
 * @param micros the cost in micro-units
 * @param promptTokens prompt tokens
 * @param completionTokens completion tokens
 * @param calls model calls
 */
public record ModelSpend(long micros, long promptTokens, long completionTokens, long calls) {

	public ModelSpend {
		if (micros < 0 || promptTokens < 0 || completionTokens < 0 || calls < 0) {
			throw new IllegalArgumentException("spend must not be negative");
		}
	}

}
