package io.toolgate.dispatcher.config;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.policy.BackendFailurePolicy;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Rate limits ({@code toolgate.ratelimit}). Limits are token buckets refilled greedily;
 * zero means no limit. With a Redis connection the buckets are shared by the fleet,
 * otherwise they are local to the replica.
 *
 * @param enabled whether any limit is enforced
 * @param backendFailurePolicy what happens while Redis is unreachable: {@code fail-open}
 * (per-replica limits) or {@code fail-closed} (503 {@code rate_limiter_unavailable}; tool
 * calls get a retryable error)
 * @param backendTimeout the bound of each Redis call of the limiter
 * @param backendRetryInterval how long Redis is skipped after a failure before it is
 * tried again
 * @param defaultPlan the plan of tenants not listed in {@code tenants}
 * @param plans plans by name; {@code default} (6,000 requests and 1,000,000 tokens per
 * minute, tools unlimited) is built in and can be overridden
 * @param tenants plan names by tenant id
 * @param tools fleet-wide calls per second by tool name, across all tenants
 * @param toolWaitMax how long a tool call in a turn may wait for its bucket to refill
 * before the model gets a retryable {@code rate_limited} result
 * @param tokenEstimate how model tokens are estimated before a call
 * @param localMaxBuckets most buckets a replica keeps in memory (local limits and the
 * fail-open fallback), and most shared buckets whose last state it remembers
 * @param refundDelay how long model tokens given back after a call (estimate above use)
 * wait to travel to Redis with the tenant's next token decision on this replica before
 * they are sent alone; 0 sends them at once
 */
@Validated
@ConfigurationProperties("toolgate.ratelimit")
public record RateLimitProperties(@DefaultValue("true") boolean enabled,
		@DefaultValue("fail-open") BackendFailurePolicy backendFailurePolicy,
		@DefaultValue("250ms") Duration backendTimeout, @DefaultValue("1s") Duration backendRetryInterval,
		@DefaultValue("default") @NotBlank String defaultPlan, Map<String, @Valid Plan> plans,
		Map<String, String> tenants, Map<String, @Min(0) @Max(PER_SECOND_MAX) Long> tools,
		@DefaultValue("2s") Duration toolWaitMax, @DefaultValue @Valid TokenEstimate tokenEstimate,
		@DefaultValue("100000") @Min(1) int localMaxBuckets, @DefaultValue("1s") Duration refundDelay) {

	/**
	 * The largest per-minute limit: token buckets refill at most one token per
	 * nanosecond, so a larger one would fail every check at run time instead of stopping
	 * start-up.
	 */
	public static final long PER_MINUTE_MAX = 60_000_000_000L;

	/** The largest per-second limit, for the same reason. */
	public static final long PER_SECOND_MAX = 1_000_000_000L;

	public RateLimitProperties {
		plans = (plans != null) ? Map.copyOf(plans) : Map.of();
		tenants = (tenants != null) ? Map.copyOf(tenants) : Map.of();
		tools = (tools != null) ? Map.copyOf(tools) : Map.of();
	}

	/**
	 * A plan's limits; zero means no limit.
	 *
	 * @param requestsPerMinute API requests per tenant per minute
	 * @param tokensPerMinute model tokens (prompt and completion) per tenant per minute
	 * @param toolCallsPerSecond calls per second by one tenant, by tool name
	 * @param defaultToolCallsPerSecond calls per second by one tenant of each tool not in
	 * {@code toolCallsPerSecond}
	 */
	public record Plan(@DefaultValue("6000") @Min(0) @Max(PER_MINUTE_MAX) long requestsPerMinute,
			@DefaultValue("1000000") @Min(0) @Max(PER_MINUTE_MAX) long tokensPerMinute,
			Map<String, @Min(0) @Max(PER_SECOND_MAX) Long> toolCallsPerSecond,
			@DefaultValue("0") @Min(0) @Max(PER_SECOND_MAX) long defaultToolCallsPerSecond) {

		public Plan {
			toolCallsPerSecond = (toolCallsPerSecond != null) ? Map.copyOf(toolCallsPerSecond) : Map.of();
		}

	}

	/**
	 * How a model call's tokens are estimated before it is made.
	 *
	 * @param charsPerToken characters of prompt per token
	 * @param completionTokens the completion budget added when the request sets no
	 * {@code max_tokens}
	 */
	public record TokenEstimate(@DefaultValue("4") @Min(1) int charsPerToken,
			@DefaultValue("1024") @Min(0) int completionTokens) {
	}

}
