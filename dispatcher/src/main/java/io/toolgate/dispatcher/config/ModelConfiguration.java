package io.toolgate.dispatcher.config;

import io.micrometer.tracing.propagation.Propagator;
import io.toolgate.dispatcher.metrics.TraceHeaders;
import io.toolgate.dispatcher.turn.LoggingModelClient;
import io.toolgate.streaming.upstream.ModelClient;
import io.toolgate.streaming.upstream.OpenAiClientSettings;
import io.toolgate.streaming.upstream.OpenAiModelClient;
import io.toolgate.streaming.upstream.SimulatedModelClient;
import io.toolgate.streaming.upstream.SimulatedModelSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The model: an OpenAI-compatible upstream when a base URL is configured, otherwise the
 * simulated model; either logs its failed calls ({@link LoggingModelClient}). Also the
 * one mapper with the streaming settings ({@link StreamingJsonMapper}), adapted once from
 * the application's mapper, for the model client and the chunk encoders.
 */
@Configuration(proxyBeanMethods = false)
public class ModelConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ModelConfiguration.class);

	@Bean
	StreamingJsonMapper streamingJsonMapper(JsonMapper jsonMapper) {
		return StreamingJsonMapper.adapt(jsonMapper);
	}

	@Bean
	ModelClient modelClient(UpstreamProperties properties, StreamingJsonMapper streamingJson,
			ObjectProvider<Propagator> propagators) {
		if (properties.isSimulated()) {
			logger.info("No toolgate.upstream.base-url configured: the simulated model answers");
			UpstreamProperties.Simulated simulated = properties.simulated();
			return new LoggingModelClient(
					new SimulatedModelClient(new SimulatedModelSettings(simulated.timeToFirstToken(),
							simulated.interTokenDelay(), 0, 0, 0.0, 0.0, 42L), streamingJson.mapper()));
		}
		OpenAiClientSettings settings = new OpenAiClientSettings(properties.baseUrl(), properties.apiKey(),
				properties.connectTimeout(), properties.firstTokenTimeout(), properties.idleTimeout(),
				properties.requestTimeout(), OpenAiClientSettings.ofDefaults(properties.baseUrl()).maxEventBytes(),
				properties.maxConnections());
		logger.info("Model upstream: {}", settings.baseUrl());
		// Not observed: the model call has its own span and metrics. Upstream calls carry
		// its W3C traceparent.
		Propagator propagator = propagators.getIfAvailable();
		OpenAiModelClient.ContextHeaders traceHeaders = (propagator != null) ? new TraceHeaders(propagator)
				: (headers, context) -> {
				};
		return new LoggingModelClient(
				new OpenAiModelClient(settings, streamingJson.mapper(), WebClient.builder(), traceHeaders));
	}

}
