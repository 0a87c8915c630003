package io.toolgate.dispatcher.policy;

import java.time.Duration;

/**
 * Whether a tool call may run under its rate limits. A denied call becomes a tool result
 * the model sees, with {@link #errorType()} {@value #ERROR_TYPE} and retryable: it never
 * fails the turn.
 *
 * @param allowed whether the call may run
 * @param waited how long the call waited for its buckets to refill (zero if not at all)
 * @param retryAfter when denied, how long until a call may succeed; zero when allowed or
 * unknown
 * @param message when denied, a description safe to show to the model and the client;
 * empty when allowed
 */
public record ToolRateDecision(boolean allowed, Duration waited, Duration retryAfter, String message) {

	/** The error type of a denied call's tool result. */
	public static final String ERROR_TYPE = "rate_limited";

	/**
	 * Returns an admission.
	 * @param waited how long the call waited
	 * @return an allowed decision
	 */
	public static ToolRateDecision allowed(Duration waited) {
		return new ToolRateDecision(true, waited, Duration.ZERO, "");
	}

	/**
	 * Returns a denial.
	 * @param waited how long the call waited before it was denied
	 * @param retryAfter how long until a call may succeed
	 * @param message the description
	 * @return a denied decision
	 */
	public static ToolRateDecision denied(Duration waited, Duration retryAfter, String message) {
		return new ToolRateDecision(false, waited, retryAfter, message);
	}

	/** The tool error type of a denial: {@value #ERROR_TYPE}. */
	public String errorType() {
		return ERROR_TYPE;
	}

	/** Whether calling again later may succeed: always, for a rate limit. */
	public boolean retryable() {
		return true;
	}

}
