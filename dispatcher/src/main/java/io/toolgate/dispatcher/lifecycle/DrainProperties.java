package io.toolgate.dispatcher.lifecycle;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The graceful drain on shutdown ({@code toolgate.drain}).
 *
 * @param readinessDelay how long readiness reports down before new turns are refused, so
 * load balancers stop routing here first; 0 under Kubernetes, whose {@code preStop} sleep
 * already covers endpoint propagation
 * @param timeout the longest wait for running turns to finish; must stay below
 * {@code spring.lifecycle.timeout-per-shutdown-phase} minus the readiness delay
 * @param clientRetry the {@code retry:} hint sent on event streams ended by the drain:
 * how long a client waits before it reconnects (to another replica) with
 * {@code Last-Event-ID}
 */
@Validated
@ConfigurationProperties("toolgate.drain")
public record DrainProperties(@DefaultValue("0s") Duration readinessDelay, @DefaultValue("25s") Duration timeout,
		@DefaultValue("1s") Duration clientRetry) {
}
