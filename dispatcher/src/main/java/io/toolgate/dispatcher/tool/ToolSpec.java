package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A tool as the registry declares it, with the registry defaults already applied.
 * Resolved once at start-up.
 *
 * @param name the name the model calls it by ({@code ^[a-zA-Z0-9_-]{1,64}$})
 * @param description what it does, for the model
 * @param inputSchema the JSON Schema (draft 2020-12) of its arguments object
 * @param executor where it runs
 * @param timeout the bound of each attempt
 * @param retry how retryable failures are retried
 * @param maxConcurrency the bound of in-flight executions on this replica (the bulkhead)
 * @param riskTier how much harm it can do
 * @param circuitBreaker when the tool's circuit breaker opens and how it recovers
 * @param maxResultChars the most characters of a result's framed body the model gets;
 * longer bodies are cut with a truncation marker ({@link ToolResultFraming})
 * @param approval when a call waits for a reviewer's decision
 * @param tenants the tenants that may see and call it; empty means every tenant
 */
public record ToolSpec(String name, String description, JsonNode inputSchema, ExecutorSpec executor, Duration timeout,
		ToolRetryPolicy retry, int maxConcurrency, RiskTier riskTier, ToolCircuitBreakerPolicy circuitBreaker,
		int maxResultChars, ToolApprovalPolicy approval, Set<String> tenants) {

	/**
	 * Validates the spec's numeric bounds.
	 * @throws IllegalArgumentException naming the invalid field
	 */
	public ToolSpec {
		tenants = Set.copyOf(tenants);
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("timeout must be positive");
		}
		if (maxConcurrency < 1) {
			throw new IllegalArgumentException("max-concurrency must be at least 1");
		}
		if (maxResultChars < ToolResultFraming.MIN_MAX_RESULT_CHARS) {
			throw new IllegalArgumentException(
					"max-result-chars must be at least " + ToolResultFraming.MIN_MAX_RESULT_CHARS);
		}
	}

	/**
	 * A spec whose results have the default size cap and whose calls need approval by
	 * risk tier ({@link ToolApprovalPolicy#BY_RISK}).
	 * @param name the name
	 * @param description what it does
	 * @param inputSchema the JSON Schema of its arguments
	 * @param executor where it runs
	 * @param timeout the bound of each attempt
	 * @param retry how retryable failures are retried
	 * @param maxConcurrency the bulkhead bound
	 * @param riskTier how much harm it can do
	 * @param circuitBreaker the circuit breaker policy
	 */
	public ToolSpec(String name, String description, JsonNode inputSchema, ExecutorSpec executor, Duration timeout,
			ToolRetryPolicy retry, int maxConcurrency, RiskTier riskTier, ToolCircuitBreakerPolicy circuitBreaker) {
		this(name, description, inputSchema, executor, timeout, retry, maxConcurrency, riskTier, circuitBreaker,
				ToolResultFraming.DEFAULT_MAX_RESULT_CHARS);
	}

	/**
	 * A spec whose calls need approval by risk tier ({@link ToolApprovalPolicy#BY_RISK}).
	 * @param name the name
	 * @param description what it does
	 * @param inputSchema the JSON Schema of its arguments
	 * @param executor where it runs
	 * @param timeout the bound of each attempt
	 * @param retry how retryable failures are retried
	 * @param maxConcurrency the bulkhead bound
	 * @param riskTier how much harm it can do
	 * @param circuitBreaker the circuit breaker policy
	 * @param maxResultChars the most characters of a result's framed body the model gets
	 */
	public ToolSpec(String name, String description, JsonNode inputSchema, ExecutorSpec executor, Duration timeout,
			ToolRetryPolicy retry, int maxConcurrency, RiskTier riskTier, ToolCircuitBreakerPolicy circuitBreaker,
			int maxResultChars) {
		this(name, description, inputSchema, executor, timeout, retry, maxConcurrency, riskTier, circuitBreaker,
				maxResultChars, ToolApprovalPolicy.BY_RISK);
	}

	/**
	 * A spec every tenant may use.
	 * @param name the name
	 * @param description what it does
	 * @param inputSchema the JSON Schema of its arguments
	 * @param executor where it runs
	 * @param timeout the bound of each attempt
	 * @param retry how retryable failures are retried
	 * @param maxConcurrency the bulkhead bound
	 * @param riskTier how much harm it can do
	 * @param circuitBreaker the circuit breaker policy
	 * @param maxResultChars the most characters of a result's framed body the model gets
	 * @param approval when a call waits for a reviewer's decision
	 */
	public ToolSpec(String name, String description, JsonNode inputSchema, ExecutorSpec executor, Duration timeout,
			ToolRetryPolicy retry, int maxConcurrency, RiskTier riskTier, ToolCircuitBreakerPolicy circuitBreaker,
			int maxResultChars, ToolApprovalPolicy approval) {
		this(name, description, inputSchema, executor, timeout, retry, maxConcurrency, riskTier, circuitBreaker,
				maxResultChars, approval, Set.of());
	}

	/**
	 * Whether a tenant may see and call the tool. A tool a tenant may not use is, for
	 * that tenant, no tool at all: unlisted, and unknown when called.
	 * @param tenant the tenant id
	 * @return whether {@link #tenants} is empty or names it
	 */
	public boolean visibleTo(String tenant) {
		return this.tenants.isEmpty() || this.tenants.contains(tenant);
	}

	/**
	 * Why a call with these arguments waits for approval.
	 * @param arguments the call's arguments
	 * @return the reason, or {@code null} when it runs at once
	 */
	public @Nullable String holdReason(JsonNode arguments) {
		return this.approval.holdReason(this.riskTier, arguments);
	}

	/**
	 * A spec whose circuit breaker has the defaults, its slow-call bound the timeout.
	 * @param name the name
	 * @param description what it does
	 * @param inputSchema the JSON Schema of its arguments
	 * @param executor where it runs
	 * @param timeout the bound of each attempt
	 * @param retry how retryable failures are retried
	 * @param maxConcurrency the bulkhead bound
	 * @param riskTier how much harm it can do
	 */
	public ToolSpec(String name, String description, JsonNode inputSchema, ExecutorSpec executor, Duration timeout,
			ToolRetryPolicy retry, int maxConcurrency, RiskTier riskTier) {
		this(name, description, inputSchema, executor, timeout, retry, maxConcurrency, riskTier,
				ToolCircuitBreakerPolicy.ofDefaults(timeout));
	}

	/**
	 * The bound of a whole call: every attempt at its timeout plus the worst-case backoff
	 * between attempts plus the given bulkhead wait per attempt.
	 * @param bulkheadWait the longest wait for a bulkhead permit of one attempt
	 * @return the deadline of one call
	 */
	public Duration callDeadline(Duration bulkheadWait) {
		return this.timeout.plus(bulkheadWait).multipliedBy(this.retry.maxAttempts()).plus(this.retry.backoffBound());
	}

}
