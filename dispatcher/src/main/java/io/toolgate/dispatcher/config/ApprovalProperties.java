package io.toolgate.dispatcher.config;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Approval gates ({@code toolgate.approvals}): how long a held tool call waits for a
 * reviewer and how expired ones are found.
 *
 * @param timeout how long an approval waits for a decision; past it the call is denied
 * (keep it below {@code toolgate.turn.event-log-ttl}, which bounds how long a suspended
 * turn's events stay readable)
 * @param retention how long a decided or expired approval stays readable after its expiry
 * @param sweepInterval how often each replica denies expired approvals and continues
 * their turns
 * @param continuationGrace how long after the decision that settles a step the sweep
 * waits before it continues a turn that nobody continued (the replica that took the
 * decision stopped before it began the continuation)
 */
@Validated
@ConfigurationProperties("toolgate.approvals")
public record ApprovalProperties(@DefaultValue("10m") Duration timeout, @DefaultValue("24h") Duration retention,
		@DefaultValue("5s") Duration sweepInterval, @DefaultValue("10s") Duration continuationGrace) {

	public ApprovalProperties {
		if (!timeout.isPositive() || !retention.isPositive() || !sweepInterval.isPositive()
				|| !continuationGrace.isPositive()) {
			throw new IllegalArgumentException(
					"toolgate.approvals.timeout, retention, sweep-interval and continuation-grace must be positive");
		}
	}

}
