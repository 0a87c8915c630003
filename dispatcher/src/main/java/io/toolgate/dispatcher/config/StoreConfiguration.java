package io.toolgate.dispatcher.config;

import java.time.Clock;

import io.toolgate.store.memory.InMemoryConversationStore;
import io.toolgate.store.memory.InMemoryTurnEventLog;
import io.toolgate.store.memory.InMemoryTurnLeases;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Conversation state: the in-memory store of the embedded default. */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {

	@Bean
	InMemoryTurnLeases turnLeases() {
		return new InMemoryTurnLeases(Clock.systemUTC());
	}

	@Bean
	InMemoryTurnEventLog turnEventLog(StoreProperties properties) {
		return new InMemoryTurnEventLog(new InMemoryTurnEventLog.Limits(properties.maxTurnLogs(),
				properties.maxEventsPerTurn(), 1_024), Clock.systemUTC());
	}

	@Bean
	InMemoryConversationStore conversationStore(InMemoryTurnLeases leases, InMemoryTurnEventLog eventLog,
			StoreProperties properties) {
		return new InMemoryConversationStore(leases, eventLog, new InMemoryConversationStore.Limits(
				properties.conversationTtl(), properties.maxConversations()), Clock.systemUTC());
	}

}
