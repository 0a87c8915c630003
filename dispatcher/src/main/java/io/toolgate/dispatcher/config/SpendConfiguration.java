package io.toolgate.dispatcher.config;

import java.time.Clock;

import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.metrics.SpendMetrics;
import io.toolgate.dispatcher.policy.TokenEstimator;
import io.toolgate.dispatcher.spend.SpendBudget;
import io.toolgate.dispatcher.spend.SpendPlans;
import io.toolgate.dispatcher.web.UsageHandler;
import io.toolgate.store.SpendLedger;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Spend budgets: the settings of {@code toolgate.spend}, checked and resolved at
 * start-up, the operator around model calls over the store's ledger, and
 * {@code GET /v1/usage}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SpendProperties.class)
public class SpendConfiguration {

	@Bean
	SpendPlans spendPlans(SpendProperties properties) {
		return new SpendPlans(properties);
	}

	@Bean
	SpendBudget spendBudget(SpendLedger ledger, SpendPlans plans, RateLimitProperties rateLimits, StoreProperties store,
			AuditTrail audit, MeterRegistry meters, MetricsProperties metrics) {
		RateLimitProperties.TokenEstimate estimate = rateLimits.tokenEstimate();
		return new SpendBudget(ledger, plans, new TokenEstimator(estimate.charsPerToken(), estimate.completionTokens()),
				store.conversationTtl(), audit, new SpendMetrics(meters, metrics.tenantLabel()), Clock.systemUTC());
	}

	@Bean
	UsageHandler usageHandler(SpendLedger ledger, SpendPlans plans) {
		return new UsageHandler(ledger, plans, Clock.systemUTC());
	}

	@Bean
	RouterFunction<ServerResponse> usageRoutes(UsageHandler handler) {
		return RouterFunctions.route().GET("/v1/usage", handler::get).build();
	}

}
