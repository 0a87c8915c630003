package io.toolgate.dispatcher.config;

import java.time.Duration;
import java.util.Set;

import io.toolgate.dispatcher.tool.RiskTier;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The audit trail ({@code toolgate.audit}).
 *
 * @param maxRecordsPerTenant how many records a tenant's log keeps, the oldest dropped
 * first (on Redis trimmed approximately, in whole stream nodes)
 * @param recordArguments whether records carry a call's arguments, not only their SHA-256
 * @param failClosedRiskTiers the risk tiers whose calls do not run unless the audit trail
 * records their start; calls of other tools run when it cannot be written (logged at WARN
 * and counted in {@code toolgate.audit.writes{outcome="failed"}})
 * @param timeout the bound of one audit write or read
 * @param replica the name this replica signs its records with; unset, the
 * {@code HOSTNAME} environment variable, else a random name
 */
@ConfigurationProperties("toolgate.audit")
@Validated
public record AuditProperties(@DefaultValue("10000") @Min(1) int maxRecordsPerTenant,
		@DefaultValue("false") boolean recordArguments, @DefaultValue("high") Set<RiskTier> failClosedRiskTiers,
		@DefaultValue("2s") Duration timeout, @Nullable String replica) {
}
