package io.toolgate.streaming.openai;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Token usage of a model call.
 *
 * @param promptTokens tokens of the input
 * @param completionTokens tokens generated
 * @param totalTokens their sum
 */
public record Usage(@JsonProperty("prompt_tokens") long promptTokens,
		@JsonProperty("completion_tokens") long completionTokens, @JsonProperty("total_tokens") long totalTokens) {

	/** Usage of nothing. */
	public static final Usage ZERO = new Usage(0, 0, 0);

	/** Returns usage with the total computed. */
	public static Usage of(long promptTokens, long completionTokens) {
		return new Usage(promptTokens, completionTokens, promptTokens + completionTokens);
	}

	/** Returns the sum of this and {@code other}. */
	public Usage plus(Usage other) {
		return of(this.promptTokens + other.promptTokens, this.completionTokens + other.completionTokens);
	}

}
