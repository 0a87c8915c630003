package io.toolgate.dispatcher.policy;

import java.util.Map;

/**
 * The limits of one plan; a tenant gets its plan's limits. Zero means no limit.
 *
 * @param requestsPerMinute API requests per tenant per minute
 * @param tokensPerMinute model tokens (prompt and completion) per tenant per minute
 * @param toolCallsPerSecond calls per second by one tenant, by tool name
 * @param defaultToolCallsPerSecond calls per second by one tenant of a tool not named in
 * {@code toolCallsPerSecond}
 */
public record RatePlan(long requestsPerMinute, long tokensPerMinute, Map<String, Long> toolCallsPerSecond,
		long defaultToolCallsPerSecond) {

	/** Requests per minute of the built-in default plan. */
	public static final long DEFAULT_REQUESTS_PER_MINUTE = 6_000;

	/** Tokens per minute of the built-in default plan. */
	public static final long DEFAULT_TOKENS_PER_MINUTE = 1_000_000;

	public RatePlan {
		toolCallsPerSecond = Map.copyOf(toolCallsPerSecond);
		if (requestsPerMinute < 0 || tokensPerMinute < 0 || defaultToolCallsPerSecond < 0
				|| toolCallsPerSecond.values().stream().anyMatch((limit) -> limit < 0)) {
			throw new IllegalArgumentException("rate limits must not be negative");
		}
	}

	/**
	 * Returns the built-in default plan: generous enough not to get in the way of the
	 * embedded default.
	 * @return 6,000 requests and 1,000,000 tokens per minute, tool calls unlimited per
	 * tenant
	 */
	public static RatePlan ofDefaults() {
		return new RatePlan(DEFAULT_REQUESTS_PER_MINUTE, DEFAULT_TOKENS_PER_MINUTE, Map.of(), 0);
	}

}
