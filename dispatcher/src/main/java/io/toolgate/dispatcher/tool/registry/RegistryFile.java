package io.toolgate.dispatcher.tool.registry;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * A tool registry file as written, bound by {@link RegistryBinder}: kebab-case keys,
 * unknown keys rejected, every value optional here. {@link ToolRegistryValidator} applies
 * the defaults and checks the rules.
 *
 * <pre>
 * defaults: { timeout: 5s, max-concurrency: 64, retry: { max-attempts: 3, initial-backoff: 100ms, max-backoff: 2s, jitter: 0.5 }, risk-tier: low }
 * tools:
 *   - name: get_weather
 *     description: Current weather for a city
 *     input-schema: { type: object, properties: { city: { type: string } }, required: [city] }
 *     executor: { type: http, url: http://weather-worker:8080/invoke }   # or { type: builtin, name: weather }
 *     timeout: 2s
 *     retry: { max-attempts: 2 }
 *     max-concurrency: 16
 *     risk-tier: low
 *     circuit-breaker: { failure-rate-threshold: 50, wait-in-open: 30s }   # or { enabled: false }
 *     max-result-chars: 32768
 *     approval: by-risk                           # always | never | by-risk (high risk: always)
 *     approval-when: { pointer: /amount, above: 100 }   # or { pointer: /to, equals: ceo@example.com }
 *     tenants: [acme]                             # only these tenants see and call it (absent: every tenant)
 *   - name: everything        # an MCP server: its tools are everything_echo, everything_get-sum, ...
 *     executor: { type: mcp, url: http://127.0.0.1:3001/mcp, headers: { Authorization: "${EVERYTHING_TOKEN}" } }
 *     timeout: 30s            # or executor: { type: mcp, command: [npx, -y, some-mcp-server] }
 * </pre>
 *
 * @param defaults what a tool that does not set a value gets
 * @param tools the tools, in the order they are offered to the model
 */
record RegistryFile(@Nullable Defaults defaults, @Nullable List<@Nullable Tool> tools) {

	/**
	 * The {@code defaults} mapping.
	 *
	 * @param timeout the bound of each attempt
	 * @param maxConcurrency the bound of in-flight executions per replica
	 * @param retry the retry policy, field by field
	 * @param riskTier {@code low}, {@code medium} or {@code high}
	 * @param circuitBreaker the circuit breaker policy, field by field
	 * @param maxResultChars the most characters of a result's framed body the model gets
	 * @param approval {@code always}, {@code never} or {@code by-risk}
	 */
	record Defaults(@Nullable Duration timeout, @Nullable Integer maxConcurrency, @Nullable Retry retry,
			@Nullable String riskTier, @Nullable CircuitBreaker circuitBreaker, @Nullable Integer maxResultChars,
			@Nullable String approval) {
	}

	/**
	 * One entry of the {@code tools} list.
	 *
	 * @param name the name the model calls it by
	 * @param description what it does, for the model
	 * @param inputSchema the JSON Schema of its arguments object
	 * @param executor where it runs
	 * @param timeout overrides the default timeout
	 * @param maxConcurrency overrides the default concurrency bound
	 * @param retry overrides the default retry policy, field by field
	 * @param riskTier overrides the default risk tier
	 * @param circuitBreaker overrides the default circuit breaker policy, field by field
	 * @param maxResultChars overrides the default result size cap
	 * @param approval overrides the default approval mode
	 * @param approvalWhen narrows approval to the calls whose arguments meet it
	 * @param tenants the tenants that may see and call the tool (for an {@code mcp}
	 * entry: each discovered tool); absent means every tenant
	 */
	record Tool(@Nullable String name, @Nullable String description, @Nullable JsonNode inputSchema,
			@Nullable Executor executor, @Nullable Duration timeout, @Nullable Integer maxConcurrency,
			@Nullable Retry retry, @Nullable String riskTier, @Nullable CircuitBreaker circuitBreaker,
			@Nullable Integer maxResultChars, @Nullable String approval, @Nullable ApprovalWhen approvalWhen,
			@Nullable List<@Nullable String> tenants) {
	}

	/**
	 * An {@code approval-when} mapping: a JSON Pointer into the arguments and exactly one
	 * test.
	 *
	 * @param pointer the argument, e.g. {@code /amount}
	 * @param above holds when the value is a number above this (or is missing or not a
	 * number)
	 * @param equals holds when the value equals this string, number or boolean
	 */
	record ApprovalWhen(@Nullable String pointer, @Nullable BigDecimal above, @Nullable JsonNode equals) {
	}

	/**
	 * A tool's {@code executor}: {@code url} belongs to {@code http}, {@code name} to
	 * {@code builtin}; an {@code mcp} executor has a {@code url} (Streamable HTTP, with
	 * optional {@code headers}) or a {@code command} (stdio).
	 *
	 * @param type {@code http}, {@code builtin} or {@code mcp}
	 * @param url the worker's or MCP server's absolute http(s) URL
	 * @param name the built-in's name
	 * @param command the MCP server's command line, run with its stdio as the transport
	 * @param headers HTTP headers sent to an MCP server; a value {@code ${NAME}} is read
	 * from the environment variable {@code NAME}
	 */
	record Executor(@Nullable String type, @Nullable String url, @Nullable String name, @Nullable List<String> command,
			@Nullable Map<String, String> headers) {
	}

	/**
	 * A {@code retry} mapping; unset fields keep the value it overrides.
	 *
	 * @param maxAttempts total attempts, the first included
	 * @param initialBackoff the backoff before the second attempt
	 * @param maxBackoff the cap on any single backoff
	 * @param jitter the jitter factor, from 0 to 1
	 */
	record Retry(@Nullable Integer maxAttempts, @Nullable Duration initialBackoff, @Nullable Duration maxBackoff,
			@Nullable Double jitter) {
	}

	/**
	 * A {@code circuit-breaker} mapping; unset fields keep the value it overrides.
	 *
	 * @param enabled whether the tool has a breaker
	 * @param failureRateThreshold the failure percentage that opens it
	 * @param slowCallRateThreshold the slow-call percentage that opens it
	 * @param slowCallDuration an attempt longer than this is slow (default: the tool's
	 * timeout)
	 * @param slidingWindowSize how many of the latest attempts the rates cover
	 * @param minimumCalls how many attempts the window needs before the rates count
	 * @param waitInOpen how long it stays open before trial calls
	 * @param halfOpenCalls how many trial calls decide whether it closes
	 */
	record CircuitBreaker(@Nullable Boolean enabled, @Nullable Double failureRateThreshold,
			@Nullable Double slowCallRateThreshold, @Nullable Duration slowCallDuration,
			@Nullable Integer slidingWindowSize, @Nullable Integer minimumCalls, @Nullable Duration waitInOpen,
			@Nullable Integer halfOpenCalls) {

	}

}
