package io.toolgate.dispatcher.config;

import io.toolgate.dispatcher.spend.SpendPlans;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Spend budgets: the settings of {@code toolgate.spend}, checked and resolved at
 * start-up.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SpendProperties.class)
public class SpendConfiguration {

	@Bean
	SpendPlans spendPlans(SpendProperties properties) {
		return new SpendPlans(properties);
	}

}
