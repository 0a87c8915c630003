package io.toolgate.dispatcher.policy;

import java.util.Map;

import io.toolgate.ratelimit.LimitSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RateLimitPlansTests {

	private final RateLimitPlans plans = new RateLimitPlans(
			Map.of("pro", new RatePlan(1_200, 0, Map.of("weather", 5L), 2)), Map.of("acme", "pro"),
			RateLimitPlans.DEFAULT_PLAN, Map.of("weather", 50L, "clock", 0L));

	@Test
	void tenantGetsItsPlan() {
		assertThat(this.plans.requests("acme")).isEqualTo(LimitSpec.perMinute("requests", 1_200));
		assertThat(this.plans.tenantTool("acme", "weather")).isEqualTo(LimitSpec.perSecond("tenant_tool", 5));
		assertThat(this.plans.tenantTool("acme", "clock")).isEqualTo(LimitSpec.perSecond("tenant_tool", 2));
	}

	@Test
	void zeroMeansNoLimit() {
		assertThat(this.plans.tokens("acme")).isNull();
		assertThat(this.plans.tool("clock")).isNull();
		assertThat(this.plans.tool("unlisted")).isNull();
	}

	@Test
	void otherTenantsGetTheBuiltInDefaultPlan() {
		assertThat(this.plans.requests("other")).isEqualTo(LimitSpec.perMinute("requests", 6_000));
		assertThat(this.plans.tokens("other")).isEqualTo(LimitSpec.perMinute("tokens", 1_000_000));
		assertThat(this.plans.tenantTool("other", "weather")).isNull();
	}

	@Test
	void toolLimitIsFleetWide() {
		assertThat(this.plans.tool("weather")).isEqualTo(LimitSpec.perSecond("tool", 50));
	}

	@Test
	void configuredDefaultPlanReplacesTheBuiltInOne() {
		RateLimitPlans custom = new RateLimitPlans(Map.of("default", new RatePlan(10, 20, Map.of(), 0)), Map.of(),
				"default", Map.of());
		assertThat(custom.requests("anyone")).isEqualTo(LimitSpec.perMinute("requests", 10));
	}

	@Test
	void unknownPlanFailsStartup() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new RateLimitPlans(Map.of(), Map.of("acme", "gold"), "default", Map.of()))
			.withMessageContaining("toolgate.ratelimit.tenants.acme")
			.withMessageContaining("'gold'");
		assertThatIllegalArgumentException().isThrownBy(() -> new RateLimitPlans(Map.of(), Map.of(), "gold", Map.of()))
			.withMessageContaining("toolgate.ratelimit.default-plan");
	}

	@Test
	void unlimitedPlansLimitNothing() {
		RateLimitPlans unlimited = RateLimitPlans.unlimited();
		assertThat(unlimited.requests("acme")).isNull();
		assertThat(unlimited.tokens("acme")).isNull();
		assertThat(unlimited.tenantTool("acme", "weather")).isNull();
	}

}
