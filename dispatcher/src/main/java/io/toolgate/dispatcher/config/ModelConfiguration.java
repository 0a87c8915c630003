package io.toolgate.dispatcher.config;

import java.net.URI;

import io.micrometer.tracing.propagation.Propagator;
import io.toolgate.dispatcher.lifecycle.WarmUpModels;
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
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
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
			ObjectProvider<Propagator> propagators, ObjectProvider<WarmUpModels> warmUpModels) {
		if (properties.isSimulated()) {
			logger.info("No toolgate.upstream.base-url configured: the simulated model answers");
			UpstreamProperties.Simulated simulated = properties.simulated();
			return new LoggingModelClient(
					new SimulatedModelClient(new SimulatedModelSettings(simulated.timeToFirstToken(),
							simulated.interTokenDelay(), 0, 0, 0.0, 0.0, 42L), streamingJson.mapper()));
		}
		logger.info("Model upstream: {}", properties.baseUrl());
		ModelClient upstream = openAi(properties, properties.baseUrl(), streamingJson, propagators);
		WarmUpModels warmUp = warmUpModels.getIfAvailable();
		return new LoggingModelClient((warmUp != null) ? warmUp.route(upstream) : upstream);
	}

	/**
	 * The start-up warm-up's model: a client like the configured one, for the warm-up's
	 * loopback stand-in. None for the simulated model, which needs no warm-up.
	 */
	@Bean
	@ConditionalOnBooleanProperty(name = "toolgate.warm-up.enabled", matchIfMissing = true)
	@ConditionalOnProperty("toolgate.upstream.base-url")
	WarmUpModels warmUpModels(UpstreamProperties properties, StreamingJsonMapper streamingJson,
			ObjectProvider<Propagator> propagators) {
		return new WarmUpModels(baseUrl -> openAi(properties, URI.create(baseUrl), streamingJson, propagators));
	}

	private static OpenAiModelClient openAi(UpstreamProperties properties, URI baseUrl,
			StreamingJsonMapper streamingJson, ObjectProvider<Propagator> propagators) {
		OpenAiClientSettings settings = new OpenAiClientSettings(baseUrl, properties.apiKey(),
				properties.connectTimeout(), properties.firstTokenTimeout(), properties.idleTimeout(),
				properties.requestTimeout(), OpenAiClientSettings.ofDefaults(baseUrl).maxEventBytes(),
				properties.maxConnections());
		// Not observed: the model call has its own span and metrics. Upstream calls carry
		// its W3C traceparent.
		Propagator propagator = propagators.getIfAvailable();
		OpenAiModelClient.ContextHeaders traceHeaders = (propagator != null) ? new TraceHeaders(propagator)
				: (headers, context) -> {
				};
		return new OpenAiModelClient(settings, streamingJson.mapper(), WebClient.builder(), traceHeaders);
	}

}
