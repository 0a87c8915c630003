package io.toolgate.dispatcher.config;

import java.time.Clock;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.audit.AuditPolicy;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.audit.AuditingToolCalls;
import io.toolgate.dispatcher.metrics.AuditMetrics;
import io.toolgate.dispatcher.web.AuditHandler;
import io.toolgate.store.AuditLog;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The audit trail: its policy, the auditor every tool dispatch goes through and the
 * {@code GET /v1/audit} handler. The {@link AuditLog} comes from the store configuration
 * (in memory or on Redis).
 */
@Configuration(proxyBeanMethods = false)
public class AuditConfiguration {

	@Bean
	AuditMetrics auditMetrics(ObjectProvider<MeterRegistry> meters) {
		return new AuditMetrics(meters.getIfAvailable(SimpleMeterRegistry::new));
	}

	@Bean
	AuditTrail auditTrail(AuditLog log, AuditProperties properties, AuditMetrics metrics, Environment environment) {
		AuditPolicy policy = new AuditPolicy(properties.failClosedRiskTiers(), properties.recordArguments(),
				replica(properties, environment), properties.timeout());
		return new AuditTrail(log, policy, metrics, Clock.systemUTC());
	}

	@Bean
	AuditingToolCalls auditingToolCalls(AuditTrail trail) {
		return new AuditingToolCalls(trail);
	}

	@Bean
	AuditHandler auditHandler(AuditTrail trail) {
		return new AuditHandler(trail);
	}

	@Bean
	RouterFunction<ServerResponse> auditRoutes(AuditHandler handler) {
		return RouterFunctions.route().GET("/v1/audit", handler::list).build();
	}

	private static String replica(AuditProperties properties, Environment environment) {
		if (properties.replica() != null && !properties.replica().isBlank()) {
			return properties.replica();
		}
		String host = environment.getProperty("HOSTNAME");
		return (host != null && !host.isBlank()) ? host : "replica-"
				+ Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE).substring(0, 8);
	}

}
