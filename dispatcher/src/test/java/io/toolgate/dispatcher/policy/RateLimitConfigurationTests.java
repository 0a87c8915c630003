package io.toolgate.dispatcher.policy;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.config.RateLimitConfiguration;
import io.toolgate.dispatcher.config.RateLimitProperties;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.bucket4j.LocalBucket4jRateLimiter;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link RateLimitConfiguration} and the binding of {@link RateLimitProperties}, without
 * Redis.
 */
class RateLimitConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class, RateLimitConfiguration.class)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new);

	@Test
	void defaultsToLocalLimitsAndTheGenerousDefaultPlan() {
		this.runner.run((context) -> {
			assertThat(context).hasSingleBean(TenantRateLimitFilter.class)
				.hasSingleBean(TokenBudget.class)
				.hasSingleBean(ToolRateLimitGate.class);
			assertThat(context.getBean(RateLimiter.class)).isInstanceOf(LocalBucket4jRateLimiter.class);
			RateLimitProperties properties = context.getBean(RateLimitProperties.class);
			assertThat(properties.enabled()).isTrue();
			assertThat(properties.backendFailurePolicy()).isEqualTo(BackendFailurePolicy.FAIL_OPEN);
			assertThat(properties.backendTimeout()).isEqualTo(Duration.ofMillis(250));
			assertThat(properties.toolWaitMax()).isEqualTo(Duration.ofSeconds(2));
			assertThat(properties.tokenEstimate().charsPerToken()).isEqualTo(4);
			RateLimitPlans plans = context.getBean(RateLimitPlans.class);
			assertThat(plans.requests("anyone")).isEqualTo(LimitSpec.perMinute("requests", 6_000));
			assertThat(plans.tokens("anyone")).isEqualTo(LimitSpec.perMinute("tokens", 1_000_000));
		});
	}

	@Test
	void bindsPlansTenantsAndTools() {
		this.runner
			.withPropertyValues("toolgate.ratelimit.backend-failure-policy=fail-closed",
					"toolgate.ratelimit.plans.pro.requests-per-minute=1200",
					"toolgate.ratelimit.plans.pro.tool-calls-per-second.weather=5",
					"toolgate.ratelimit.tenants.acme=pro", "toolgate.ratelimit.tools.weather=50")
			.run((context) -> {
				assertThat(context.getBean(RateLimitProperties.class).backendFailurePolicy())
					.isEqualTo(BackendFailurePolicy.FAIL_CLOSED);
				RateLimitPlans plans = context.getBean(RateLimitPlans.class);
				assertThat(plans.requests("acme")).isEqualTo(LimitSpec.perMinute("requests", 1_200));
				assertThat(plans.tokens("acme")).isEqualTo(LimitSpec.perMinute("tokens", 1_000_000));
				assertThat(plans.tenantTool("acme", "weather")).isEqualTo(LimitSpec.perSecond("tenant_tool", 5));
				assertThat(plans.tool("weather")).isEqualTo(LimitSpec.perSecond("tool", 50));
			});
	}

	@Test
	void disabledLimitsNothing() {
		this.runner.withPropertyValues("toolgate.ratelimit.enabled=false").run((context) -> {
			RateLimitPlans plans = context.getBean(RateLimitPlans.class);
			assertThat(plans.requests("anyone")).isNull();
			assertThat(plans.tokens("anyone")).isNull();
		});
	}

	@Test
	void tenantOnAnUnknownPlanFailsStartup() {
		this.runner.withPropertyValues("toolgate.ratelimit.tenants.acme=gold")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("unknown plan 'gold'"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties(RateLimitProperties.class)
	static class PropertiesConfiguration {

	}

}
