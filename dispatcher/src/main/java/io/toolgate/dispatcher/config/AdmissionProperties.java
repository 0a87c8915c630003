package io.toolgate.dispatcher.config;

import java.time.Duration;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Admission ({@code toolgate.admission}): the per-replica bound on running turns.
 * Replaces {@code toolgate.turn.max-concurrent-turns} and
 * {@code toolgate.turn.retry-after}, which still work for one release (see
 * {@link DeprecatedPropertyNames}).
 *
 * @param maxConcurrentTurns per-replica bound on running turns; beyond it turn-starting
 * requests get 503 with {@code Retry-After}
 * @param retryAfter the {@code Retry-After} sent with 503 when saturated
 */
@Validated
@ConfigurationProperties("toolgate.admission")
public record AdmissionProperties(@DefaultValue("512") @Min(1) int maxConcurrentTurns,
		@DefaultValue("1s") Duration retryAfter) {
}
