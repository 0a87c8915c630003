package io.toolgate.dispatcher.policy;

import io.toolgate.dispatcher.tool.ToolCallGate;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import reactor.core.publisher.Mono;

/**
 * The tool rate limits as the gate every tool call passes once, before its first attempt:
 * a call over its per-tenant or fleet-wide limit waits for its bucket (up to
 * {@code toolgate.ratelimit.tool-wait-max}) or ends with the limit's error result, which
 * the model sees.
 */
public final class ToolRateLimitGate implements ToolCallGate {

	private final RateLimitPolicy policy;

	/**
	 * Creates the gate.
	 * @param policy the rate limits
	 */
	public ToolRateLimitGate(RateLimitPolicy policy) {
		this.policy = policy;
	}

	@Override
	public Mono<ToolExecutionException> admit(String tenant, String tool) {
		return this.policy.acquireTool(tenant, tool)
			.filter(decision -> !decision.allowed())
			.map(decision -> new ToolExecutionException(decision.errorType(), decision.message(),
					decision.retryable()));
	}

}
