package io.toolgate.dispatcher.spend;

import java.time.Clock;
import java.time.Duration;
import java.util.Set;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.audit.AuditPolicy;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.config.MetricsProperties;
import io.toolgate.dispatcher.config.RateLimitProperties;
import io.toolgate.dispatcher.config.SpendConfiguration;
import io.toolgate.dispatcher.config.SpendProperties;
import io.toolgate.dispatcher.config.StoreProperties;
import io.toolgate.dispatcher.metrics.AuditMetrics;
import io.toolgate.store.SpendLedger;
import io.toolgate.store.memory.InMemoryAuditLog;
import io.toolgate.store.memory.InMemorySpendLedger;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SpendProperties} bound and checked at start-up, resolved by {@link SpendPlans}.
 */
class SpendPlansTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(PropertiesConfiguration.class, SpendConfiguration.class)
		.withBean(MeterRegistry.class, SimpleMeterRegistry::new)
		.withBean(SpendLedger.class, () -> new InMemorySpendLedger(10, Clock.systemUTC()))
		.withBean(AuditTrail.class,
				() -> new AuditTrail(new InMemoryAuditLog(10, Clock.systemUTC()),
						new AuditPolicy(Set.of(), false, "replica-t", Duration.ofSeconds(1)),
						new AuditMetrics(new SimpleMeterRegistry()), Clock.systemUTC()));

	@Test
	void defaultsLimitNothingAndPriceNothing() {
		this.runner.run((context) -> {
			SpendPlans plans = context.getBean(SpendPlans.class);
			assertThat(plans.price("gpt-anything")).isEqualTo(new SpendPlans.ModelPrice(0, 0));
			assertThat(plans.price("gpt-anything").cost(1_000, 1_000)).isZero();
			assertThat(plans.budget("acme")).isEqualTo(new SpendPlans.TenantBudget(0, 0));
			assertThat(plans.conversationMicros()).isZero();
			assertThat(context).hasSingleBean(SpendBudget.class);
		});
	}

	@Test
	void bindsPricesBudgetsAndCapsInMicroUnits() {
		this.runner
			.withPropertyValues("toolgate.spend.prices.gpt-4o.input-per-million=2.50",
					"toolgate.spend.prices.gpt-4o.output-per-million=10",
					"toolgate.spend.default-price.input-per-million=0.15",
					"toolgate.spend.default-price.output-per-million=0.6", "toolgate.spend.default-budget.daily=5",
					"toolgate.spend.default-budget.monthly=100", "toolgate.spend.tenants.acme.daily=0.25",
					"toolgate.spend.conversation=1.5")
			.run((context) -> {
				SpendPlans plans = context.getBean(SpendPlans.class);
				assertThat(plans.price("gpt-4o")).isEqualTo(new SpendPlans.ModelPrice(2_500_000, 10_000_000));
				assertThat(plans.price("other")).isEqualTo(new SpendPlans.ModelPrice(150_000, 600_000));
				assertThat(plans.budget("anyone")).isEqualTo(new SpendPlans.TenantBudget(5_000_000, 100_000_000));
				assertThat(plans.budget("acme")).isEqualTo(new SpendPlans.TenantBudget(250_000, 0));
				assertThat(plans.conversationMicros()).isEqualTo(1_500_000);
			});
	}

	@Test
	void costIsExactAndRoundedUpToAMicroUnit() {
		SpendPlans.ModelPrice price = new SpendPlans.ModelPrice(2_500_000, 10_000_000);
		// 1,000 prompt tokens at 2.50 a million: 2,500 micro-units; 1 completion
		// token at 10 a million: 10.
		assertThat(price.cost(1_000, 1)).isEqualTo(2_510);
		// 3 tokens at 0.15 a million: 0.45 micro-units, rounded up to 1.
		assertThat(new SpendPlans.ModelPrice(150_000, 0).cost(3, 0)).isEqualTo(1);
		// Billions of tokens at the largest price do not overflow.
		long largest = Money.micros(Money.MAX_PRICE);
		assertThat(Money.cost(3_000_000_123L, largest)).isEqualTo(3_000 * largest + 123 * largest / 1_000_000);
		assertThat(Money.toAmount(2_510).toPlainString()).isEqualTo("0.002510");
	}

	@Test
	void priceAboveTheLargestFailsStartup() {
		this.runner
			.withPropertyValues("toolgate.spend.default-price.input-per-million=1000001",
					"toolgate.spend.default-price.output-per-million=1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("input-per-million must be at most 1000000, got 1000001"));
	}

	@Test
	void negativeAmountFailsStartupNamingTheSetting() {
		this.runner.withPropertyValues("toolgate.spend.default-budget.daily=-1")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("daily must not be negative, got -1"));
	}

	@Test
	void moreThanSixDecimalsFailsStartup() {
		this.runner.withPropertyValues("toolgate.spend.conversation=0.0000001")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("toolgate.spend.conversation has more than six decimals"));
	}

	@Test
	void priceWithoutOutputPriceFailsStartup() {
		this.runner.withPropertyValues("toolgate.spend.prices.gpt-4o.input-per-million=2.5")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("a price needs both input-per-million and output-per-million"));
	}

	@Test
	void noLocalAccountsFailsStartup() {
		this.runner.withPropertyValues("toolgate.spend.max-local-accounts=0")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("maxLocalAccounts")
				.hasMessageContaining("rejected value [0]"));
	}

	@Test
	void amountAboveTheLargestFailsStartup() {
		this.runner.withPropertyValues("toolgate.spend.conversation=1000000001")
			.run((context) -> assertThat(context).hasFailed()
				.getFailure()
				.rootCause()
				.hasMessageContaining("toolgate.spend.conversation must be at most 1000000000, got 1000000001"));
	}

	@Configuration(proxyBeanMethods = false)
	@EnableConfigurationProperties({ RateLimitProperties.class, StoreProperties.class, MetricsProperties.class })
	static class PropertiesConfiguration {

	}

}
