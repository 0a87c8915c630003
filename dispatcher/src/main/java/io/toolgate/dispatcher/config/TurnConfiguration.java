package io.toolgate.dispatcher.config;

import io.toolgate.dispatcher.admission.AdmissionCheckFilter;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.auth.StreamTokens;
import io.toolgate.dispatcher.policy.TokenBudget;
import io.toolgate.dispatcher.spend.SpendBudget;
import io.toolgate.dispatcher.spend.SpendPlans;
import io.toolgate.dispatcher.lifecycle.DrainSignal;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolResultFraming;
import io.toolgate.dispatcher.turn.ApprovalGate;
import io.toolgate.dispatcher.turn.CompletionStreams;
import io.toolgate.dispatcher.turn.DetachedTurns;
import io.toolgate.dispatcher.turn.TurnCoordinator;
import io.toolgate.dispatcher.turn.TurnEngine;
import io.toolgate.dispatcher.turn.TurnSettings;
import io.toolgate.dispatcher.web.ApiSettings;
import io.toolgate.dispatcher.web.ChatCompletionsHandler;
import io.toolgate.dispatcher.web.ClientToolConflicts;
import io.toolgate.dispatcher.web.ConversationsHandler;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnLeases;
import io.toolgate.store.TurnStarts;
import io.toolgate.store.memory.InMemoryTurnEventLog;
import io.toolgate.streaming.upstream.ModelClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import tools.jackson.databind.json.JsonMapper;

/** The turn loop, admission (and its check at the edge) and the turn APIs. */
@Configuration(proxyBeanMethods = false)
public class TurnConfiguration {

	@Bean
	AdmissionController admissionController(AdmissionProperties properties) {
		return new AdmissionController(properties.maxConcurrentTurns(), properties.retryAfter());
	}

	@Bean
	@Order(FilterOrders.ADMISSION)
	AdmissionCheckFilter admissionCheckFilter(AdmissionController admission) {
		return new AdmissionCheckFilter(admission);
	}

	@Bean
	TurnSettings turnSettings(TurnProperties properties) {
		return new TurnSettings(properties.maxIterations(), properties.loopThreshold(), properties.deadline(),
				properties.maxParallelTools(), properties.historyTokenBudget(), properties.eventLogTtl(),
				properties.leaseTtl(), properties.eventLogFlushInterval(), properties.takeover());
	}

	@Bean
	ApiSettings apiSettings(TurnProperties turn, UpstreamProperties upstream) {
		return new ApiSettings(turn.maxContentLength(), turn.maxChoices(), upstream.defaultModel(),
				upstream.listedModels());
	}

	@Bean
	TurnEngine turnEngine(ModelClient model, ToolRegistry tools, IdempotentDispatch dispatcher, TurnSettings settings,
			JsonMapper jsonMapper, ToolgateMetrics metrics, TokenBudget budget, SpendBudget spend,
			SpendProperties spendProperties, ToolsProperties toolsProperties, ApprovalGate gate, SpendPlans plans,
			AuditTrail audit) {
		String notice = toolsProperties.untrustedResultNotice();
		ToolResultFraming framing = new ToolResultFraming(tools,
				(notice != null) ? notice : ToolResultFraming.DEFAULT_NOTICE);
		// Without a price or a budget nothing is accounted: model calls skip the ledger.
		return new TurnEngine(model, tools, dispatcher, settings, jsonMapper, metrics, budget,
				spendProperties.configured() ? spend : null, framing, gate, plans, audit);
	}

	@Bean
	TurnCoordinator turnCoordinator(TurnEngine engine, ConversationStore store, TurnLeases leases, TurnStarts starts,
			AdmissionController admission, TurnSettings settings, JsonMapper jsonMapper) {
		return new TurnCoordinator(engine, store, leases, starts, admission, settings, jsonMapper);
	}

	@Bean
	DetachedTurns detachedTurns(TurnEngine engine, TurnCoordinator coordinator, ConversationStore store,
			TurnLeases leases, TurnEventLog eventLog, TurnEnds ends, AdmissionController admission,
			TurnSettings settings, JsonMapper jsonMapper, ToolgateMetrics metrics) {
		// Only a store the replicas share lets another replica take a turn over.
		boolean sharedStore = !(eventLog instanceof InMemoryTurnEventLog);
		return new DetachedTurns(engine, coordinator, store, leases, eventLog, ends, admission, settings, jsonMapper,
				sharedStore, metrics.turns());
	}

	@Bean
	ConversationsHandler conversationsHandler(TurnCoordinator coordinator, DetachedTurns detached,
			ConversationStore store, ApiSettings settings, SseProperties sseProperties, JsonMapper jsonMapper,
			DrainSignal drainSignal, ToolgateMetrics metrics, StreamTokens streamTokens,
			HttpProperties httpProperties) {
		return new ConversationsHandler(coordinator, detached, store, settings, sseProperties.heartbeatInterval(),
				jsonMapper, drainSignal, metrics, streamTokens, httpProperties.legacyErrorEvent());
	}

	@Bean
	CompletionStreams completionStreams(TurnEventLog eventLog, TurnSettings settings) {
		return new CompletionStreams(eventLog, settings, !(eventLog instanceof InMemoryTurnEventLog));
	}

	@Bean
	ChatCompletionsHandler chatCompletionsHandler(TurnCoordinator coordinator, ApiSettings settings,
			StreamingJsonMapper streamingJson, ToolgateMetrics metrics, CompletionStreams streams,
			ChatProperties chatProperties, StreamTokens streamTokens, ToolRegistry tools,
			ToolsProperties toolsProperties, DetachedTurns detachedTurns, SseProperties sseProperties) {
		// The handler's mapper encodes chunks (it needs the streaming settings) and binds
		// request bodies, which
		// the streaming settings leave as the application's mapper does: request records
		// have no primitives, and
		// unknown properties are ignored by both.
		return new ChatCompletionsHandler(coordinator, settings, streamingJson.mapper(), metrics,
				chatProperties.resumable() ? streams : null, streamTokens,
				new ClientToolConflicts(tools, toolsProperties.clientToolConflict()), tools, detachedTurns,
				chatProperties.approvalHold(), sseProperties.heartbeatInterval());
	}

}
