package io.toolgate.dispatcher.config;

import java.time.Clock;
import java.time.Duration;

import io.toolgate.dispatcher.health.StoreHealthIndicator;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnStarts;
import io.toolgate.store.memory.InMemoryApprovalStore;
import io.toolgate.store.memory.InMemoryAuditLog;
import io.toolgate.store.memory.InMemoryConversationStore;
import io.toolgate.store.memory.InMemoryIdempotencyStore;
import io.toolgate.store.memory.InMemorySpendLedger;
import io.toolgate.store.memory.InMemoryTurnEventLog;
import io.toolgate.store.memory.InMemoryTurnLeases;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.core.publisher.Mono;

/**
 * Conversation state in memory: the embedded default, used when no Redis is configured.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("!(" + StoreProperties.REDIS_CONFIGURED + ")")
public class StoreConfiguration {

	@Bean
	InMemoryTurnLeases turnLeases() {
		return new InMemoryTurnLeases(Clock.systemUTC());
	}

	@Bean
	InMemoryTurnEventLog turnEventLog(StoreProperties properties) {
		return new InMemoryTurnEventLog(
				new InMemoryTurnEventLog.Limits(properties.maxTurnLogs(), properties.maxEventsPerTurn(), 1_024),
				Clock.systemUTC());
	}

	@Bean
	InMemoryConversationStore conversationStore(InMemoryTurnLeases leases, InMemoryTurnEventLog eventLog,
			StoreProperties properties) {
		return new InMemoryConversationStore(leases, eventLog,
				new InMemoryConversationStore.Limits(properties.conversationTtl(), properties.maxConversations()),
				Clock.systemUTC());
	}

	@Bean
	TurnStarts turnStarts(InMemoryTurnLeases leases, InMemoryConversationStore conversations,
			InMemoryTurnEventLog eventLog) {
		return TurnStarts.sequential(leases, conversations, eventLog);
	}

	@Bean
	TurnEnds turnEnds(InMemoryConversationStore conversations, InMemoryTurnEventLog eventLog,
			InMemoryTurnLeases leases) {
		return TurnEnds.sequential(conversations, eventLog, leases);
	}

	@Bean
	InMemoryIdempotencyStore idempotencyStore(StoreProperties properties) {
		return new InMemoryIdempotencyStore(properties.maxConversations(), Clock.systemUTC());
	}

	@Bean
	InMemorySpendLedger spendLedger(SpendProperties properties) {
		return new InMemorySpendLedger(properties.maxLocalAccounts(), Clock.systemUTC());
	}

	@Bean
	InMemoryAuditLog auditLog(AuditProperties properties) {
		return new InMemoryAuditLog(properties.maxRecordsPerTenant(), Clock.systemUTC());
	}

	@Bean
	InMemoryApprovalStore approvalStore(StoreProperties properties) {
		return new InMemoryApprovalStore(properties.maxConversations(), Clock.systemUTC());
	}

	@Bean
	StoreHealthIndicator storeHealthIndicator() {
		return new StoreHealthIndicator("memory", () -> Mono.just(true), Duration.ofSeconds(1));
	}

}
