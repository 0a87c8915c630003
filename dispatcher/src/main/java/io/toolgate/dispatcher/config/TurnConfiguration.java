package io.toolgate.dispatcher.config;

import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.policy.RateLimitPolicy;
import io.toolgate.dispatcher.lifecycle.DrainSignal;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.turn.TurnCoordinator;
import io.toolgate.dispatcher.turn.TurnEngine;
import io.toolgate.dispatcher.web.ChatCompletionsHandler;
import io.toolgate.dispatcher.web.ConversationsHandler;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnLeases;
import io.toolgate.store.memory.InMemoryTurnEventLog;
import io.toolgate.streaming.upstream.ModelClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/** The turn loop, admission and the turn APIs. */
@Configuration(proxyBeanMethods = false)
public class TurnConfiguration {

	@Bean
	AdmissionController admissionController(TurnProperties properties) {
		return new AdmissionController(properties.maxConcurrentTurns(), properties.retryAfter());
	}

	@Bean
	TurnEngine turnEngine(ModelClient model, ToolRegistry tools, IdempotentDispatch dispatcher, TurnProperties properties,
			JsonMapper jsonMapper, ToolgateMetrics metrics, RateLimitPolicy rateLimits) {
		return new TurnEngine(model, tools, dispatcher, properties, jsonMapper, metrics, rateLimits);
	}

	@Bean
	TurnCoordinator turnCoordinator(TurnEngine engine, ConversationStore store, TurnLeases leases,
			TurnEventLog eventLog, AdmissionController admission, TurnProperties properties, JsonMapper jsonMapper,
			ToolgateMetrics metrics) {
		// Only a store the replicas share lets another replica take a turn over.
		boolean sharedStore = !(eventLog instanceof InMemoryTurnEventLog);
		return new TurnCoordinator(engine, store, leases, eventLog, admission, properties, jsonMapper, sharedStore,
				metrics.turns());
	}

	@Bean
	ConversationsHandler conversationsHandler(TurnCoordinator coordinator, ConversationStore store,
			TurnProperties turnProperties, UpstreamProperties upstreamProperties, JsonMapper jsonMapper,
			DrainSignal drainSignal, ToolgateMetrics metrics) {
		return new ConversationsHandler(coordinator, store, turnProperties, upstreamProperties, jsonMapper,
				drainSignal, metrics);
	}

	@Bean
	ChatCompletionsHandler chatCompletionsHandler(TurnCoordinator coordinator, ConversationStore store,
			TurnProperties turnProperties, UpstreamProperties upstreamProperties, JsonMapper jsonMapper,
			ToolgateMetrics metrics) {
		return new ChatCompletionsHandler(coordinator, turnProperties, upstreamProperties, jsonMapper, metrics);
	}

}
