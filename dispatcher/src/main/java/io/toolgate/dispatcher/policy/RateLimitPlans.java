package io.toolgate.dispatcher.policy;

import java.util.HashMap;
import java.util.Map;

import io.toolgate.ratelimit.LimitSpec;
import org.jspecify.annotations.Nullable;

/**
 * Every tenant's limits, resolved once at startup: a tenant gets the plan it is assigned,
 * or the default plan. A {@code null} spec means no limit.
 */
public final class RateLimitPlans {

	/** The name of the default plan when none is configured under that name. */
	public static final String DEFAULT_PLAN = "default";

	private final Map<String, Resolved> plans = new HashMap<>();

	private final Map<String, Resolved> tenants = new HashMap<>();

	private final Resolved defaultPlan;

	private final Map<String, LimitSpec> tools = new HashMap<>();

	/**
	 * Resolves the plans.
	 * @param plans plans by name; a plan named {@value #DEFAULT_PLAN} replaces the
	 * built-in one
	 * @param tenants plan names by tenant
	 * @param defaultPlan the plan of tenants not listed in {@code tenants}
	 * @param toolCallsPerSecond fleet-wide calls per second by tool name (zero: no limit)
	 * @throws IllegalArgumentException if a tenant or the default names a plan that does
	 * not exist, or a limit is negative
	 */
	public RateLimitPlans(Map<String, RatePlan> plans, Map<String, String> tenants, String defaultPlan,
			Map<String, Long> toolCallsPerSecond) {
		plans.forEach((name, plan) -> this.plans.put(name, new Resolved(plan)));
		this.plans.putIfAbsent(DEFAULT_PLAN, new Resolved(RatePlan.ofDefaults()));
		this.defaultPlan = plan(defaultPlan, "toolgate.ratelimit.default-plan");
		tenants.forEach((tenant, plan) -> this.tenants.put(tenant, plan(plan, "toolgate.ratelimit.tenants." + tenant)));
		toolCallsPerSecond.forEach((tool, limit) -> {
			if (limit < 0) {
				throw new IllegalArgumentException("toolgate.ratelimit.tools." + tool + " must not be negative");
			}
			if (limit > 0) {
				this.tools.put(tool, LimitSpec.perSecond("tool", limit));
			}
		});
	}

	/**
	 * Returns plans without any limit, for when rate limiting is disabled.
	 * @return plans that limit nothing
	 */
	public static RateLimitPlans unlimited() {
		return new RateLimitPlans(Map.of(DEFAULT_PLAN, new RatePlan(0, 0, Map.of(), 0)), Map.of(), DEFAULT_PLAN,
				Map.of());
	}

	/** The tenant's requests-per-minute bucket, or {@code null} if unlimited. */
	public @Nullable LimitSpec requests(String tenant) {
		return planOf(tenant).requests;
	}

	/** The tenant's tokens-per-minute bucket, or {@code null} if unlimited. */
	public @Nullable LimitSpec tokens(String tenant) {
		return planOf(tenant).tokens;
	}

	/** The tenant's calls-per-second bucket for a tool, or {@code null} if unlimited. */
	public @Nullable LimitSpec tenantTool(String tenant, String tool) {
		Resolved plan = planOf(tenant);
		long limit = plan.plan.toolCallsPerSecond().getOrDefault(tool, plan.plan.defaultToolCallsPerSecond());
		return (limit > 0) ? LimitSpec.perSecond("tenant_tool", limit) : null;
	}

	/** The tool's fleet-wide calls-per-second bucket, or {@code null} if unlimited. */
	public @Nullable LimitSpec tool(String tool) {
		return this.tools.get(tool);
	}

	private Resolved planOf(String tenant) {
		return this.tenants.getOrDefault(tenant, this.defaultPlan);
	}

	private Resolved plan(String name, String property) {
		Resolved plan = this.plans.get(name);
		if (plan == null) {
			throw new IllegalArgumentException(property + " names the unknown plan '" + name + "'");
		}
		return plan;
	}

	private static final class Resolved {

		private final RatePlan plan;

		private final @Nullable LimitSpec requests;

		private final @Nullable LimitSpec tokens;

		Resolved(RatePlan plan) {
			this.plan = plan;
			this.requests = (plan.requestsPerMinute() > 0) ? LimitSpec.perMinute("requests", plan.requestsPerMinute())
					: null;
			this.tokens = (plan.tokensPerMinute() > 0) ? LimitSpec.perMinute("tokens", plan.tokensPerMinute()) : null;
		}

	}

}
