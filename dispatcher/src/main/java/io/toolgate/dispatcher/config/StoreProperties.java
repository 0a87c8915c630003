package io.toolgate.dispatcher.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;
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
 */
@Validated
@ConfigurationProperties("toolgate.store")
public record StoreProperties(@DefaultValue("24h") Duration conversationTtl,
		@DefaultValue("100000") @Min(1) int maxConversations, @DefaultValue("10000") @Min(1) int maxTurnLogs,
		@DefaultValue("10000") @Min(2) int maxEventsPerTurn) {
}
