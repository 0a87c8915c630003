package io.toolgate.dispatcher.config;

import java.time.Clock;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.resource.ClientResources;
import io.toolgate.dispatcher.metrics.LettuceCommandMetrics;
import io.toolgate.dispatcher.health.StoreHealthIndicator;
import io.toolgate.store.AuditLog;
import io.toolgate.store.AuditedCompletions;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.ApprovalStore;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.SpendLedger;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnLeases;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnStarts;
import io.toolgate.store.redis.RedisStoreSettings;
import io.toolgate.store.redis.RedisStores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Conversation state, turn event logs, leases and idempotency records in Redis
 * (standalone or cluster), selected by {@code REDIS_URL} or
 * {@code toolgate.store.redis-url}. The rate limiter shares the client.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression(StoreProperties.REDIS_CONFIGURED)
public class RedisStoreConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(RedisStoreConfiguration.class);

	/**
	 * Shared Lettuce resources (event loops, timers) that record command latency into the
	 * meter registry.
	 */
	@Bean(destroyMethod = "shutdown")
	ClientResources redisClientResources(LettuceCommandMetrics commandMetrics) {
		return commandMetrics.create();
	}

	@Bean(destroyMethod = "close")
	RedisStores redisStores(StoreProperties properties, Environment environment, ClientResources resources) {
		String url = properties.redisUrl() != null && !properties.redisUrl().isBlank() ? properties.redisUrl()
				: environment.getRequiredProperty("REDIS_URL");
		RedisStoreSettings settings = RedisStoreSettings.ofDefaults()
			.withCommandTimeout(properties.redisCommandTimeout())
			.withConversationTtl(properties.conversationTtl())
			.withMaxEventsPerTurn(properties.maxEventsPerTurn());
		RedisStores stores = RedisStores.connect(url, settings, Clock.systemUTC(), resources);
		logger.info("Conversation state in Redis ({})", stores.isCluster() ? "cluster" : "standalone");
		return stores;
	}

	/**
	 * The client, for the distributed rate limiter; its lifecycle belongs to
	 * {@link RedisStores}.
	 */
	@Bean(destroyMethod = "")
	AbstractRedisClient redisClient(RedisStores stores) {
		return stores.client();
	}

	@Bean
	ConversationStore conversationStore(RedisStores stores) {
		return stores.conversations();
	}

	@Bean
	TurnLeases turnLeases(RedisStores stores) {
		return stores.leases();
	}

	@Bean
	TurnEventLog turnEventLog(RedisStores stores) {
		return stores.eventLog();
	}

	@Bean
	TurnStarts turnStarts(RedisStores stores) {
		return stores.starts();
	}

	@Bean
	TurnEnds turnEnds(RedisStores stores) {
		return stores.ends();
	}

	@Bean
	ApprovalStore approvalStore(RedisStores stores) {
		return stores.approvals();
	}

	@Bean
	SpendLedger spendLedger(RedisStores stores) {
		return stores.spendLedger();
	}

	@Bean
	IdempotencyStore idempotencyStore(RedisStores stores) {
		return stores.idempotency();
	}

	@Bean
	AuditLog auditLog(RedisStores stores, AuditProperties properties) {
		return stores.auditLog(properties.maxRecordsPerTenant());
	}

	/**
	 * A tool call's idempotency result and its audit record in one script: the records of
	 * a tenant share the slot of its audit stream.
	 */
	@Bean
	AuditedCompletions auditedCompletions(RedisStores stores, AuditProperties properties) {
		return stores.auditedCompletions(properties.maxRecordsPerTenant());
	}

	@Bean
	StoreHealthIndicator storeHealthIndicator(RedisStores stores, StoreProperties properties) {
		return new StoreHealthIndicator("redis", stores::ping, properties.redisCommandTimeout());
	}

}
