package io.toolgate.dispatcher.config;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.observation.ObservationRegistry;
import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.metrics.AdmissionMetrics;
import io.toolgate.dispatcher.metrics.LettuceCommandMetrics;
import io.toolgate.dispatcher.metrics.ToolBulkheadMetrics;
import io.toolgate.dispatcher.metrics.ApprovalMetrics;
import io.toolgate.dispatcher.metrics.ToolCircuitBreakerMetrics;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.tool.ToolRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Metrics and tracing: the {@link ToolgateMetrics} facade, binders of admission and
 * bulkhead state, Reactor Netty server metrics and the Lettuce command-latency hook.
 * Span-only observations (names starting with {@code toolgate.span.}) are kept out of the
 * meter registry: their metrics are recorded explicitly.
 */
@Configuration(proxyBeanMethods = false)
public class ObservabilityConfiguration {

	/**
	 * Reactor Netty's URI label gets this one value: per-route detail comes from
	 * {@code http.server.requests}.
	 */
	static final String NETTY_URI_TAG = "/";

	@Bean
	ToolgateMetrics toolgateMetrics(MeterRegistry meters, ObjectProvider<ObservationRegistry> observations,
			MetricsProperties properties) {
		return new ToolgateMetrics(meters, observations.getIfAvailable(() -> ObservationRegistry.NOOP),
				properties.tenantLabel(), properties.maxModelValues());
	}

	@Bean
	MeterFilter spanObservationsHaveNoMeters() {
		return MeterFilter.denyNameStartsWith(ToolgateMetrics.SPAN_PREFIX);
	}

	@Bean
	AdmissionMetrics admissionMetrics(AdmissionController admission) {
		return new AdmissionMetrics(admission);
	}

	@Bean
	ToolBulkheadMetrics toolBulkheadMetrics(ToolRegistry registry) {
		return new ToolBulkheadMetrics(registry);
	}

	@Bean
	ApprovalMetrics approvalMetrics() {
		return new ApprovalMetrics();
	}

	@Bean
	ToolCircuitBreakerMetrics toolCircuitBreakerMetrics(ToolRegistry registry) {
		return new ToolCircuitBreakerMetrics(registry);
	}

	@Bean
	LettuceCommandMetrics lettuceCommandMetrics(MeterRegistry meters) {
		return new LettuceCommandMetrics(meters);
	}

	@Bean
	NettyServerCustomizer nettyServerMetrics(MetricsProperties properties) {
		return server -> properties.nettyServer() ? server.metrics(true, uri -> NETTY_URI_TAG) : server;
	}

}
