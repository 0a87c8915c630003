package io.toolgate.dispatcher.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Conversation state ({@code toolgate.store}).
 *
 * @param conversationTtl how long a conversation is kept after its last write
 * @param maxConversations in-memory store only: how many conversations may exist at once
 * @param maxTurnLogs in-memory store only: how many turn event logs may exist at once
 * @param maxEventsPerTurn how many events one turn may record
 * @param redisUrl Redis to keep state in, usually from {@code REDIS_URL}:
 * {@code redis://host:port}, {@code rediss://} for TLS, or a cluster as
 * {@code redis://h1:p1,redis://h2:p2} or {@code redis-cluster://h1:p1,h2:p2}; unset keeps
 * state in memory
 * @param redisCommandTimeout the bound on every Redis command
 * @param idempotencyTtl how long idempotency records (direct invocations and tool calls
 * of turns) are kept
 */
@Validated
@ConfigurationProperties("toolgate.store")
public record StoreProperties(@DefaultValue("24h") Duration conversationTtl,
		@DefaultValue("100000") @Min(1) int maxConversations, @DefaultValue("10000") @Min(1) int maxTurnLogs,
		@DefaultValue("10000") @Min(2) int maxEventsPerTurn, @Nullable String redisUrl,
		@DefaultValue("2s") Duration redisCommandTimeout, @DefaultValue("24h") Duration idempotencyTtl) {

	/**
	 * The expression true when Redis is configured, by property or by {@code REDIS_URL}.
	 */
	public static final String REDIS_CONFIGURED = "!'${toolgate.store.redis-url:${REDIS_URL:}}'.isBlank()";

}
