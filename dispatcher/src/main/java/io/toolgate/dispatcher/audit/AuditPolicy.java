package io.toolgate.dispatcher.audit;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import io.toolgate.dispatcher.tool.RiskTier;

/**
 * How the audit trail is written, built from {@code toolgate.audit}.
 *
 * @param failClosedTiers the risk tiers whose calls do not run unless their start is
 * recorded first; other calls run whatever the trail does, a failed write logged and
 * counted
 * @param recordArguments whether records carry the arguments themselves, besides their
 * hash
 * @param replica the name this replica signs its records with
 * @param timeout the bound of one write or read
 */
public record AuditPolicy(Set<RiskTier> failClosedTiers, boolean recordArguments, String replica, Duration timeout) {

	/**
	 * Copies the tiers and checks the bounds.
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public AuditPolicy {
		failClosedTiers = Set.copyOf(failClosedTiers);
		Objects.requireNonNull(replica, "replica");
		if (!timeout.isPositive()) {
			throw new IllegalArgumentException("timeout must be positive");
		}
	}

	/**
	 * Whether calls of a tier fail closed.
	 * @param tier the tool's risk tier
	 * @return whether its calls need a start record
	 */
	public boolean failsClosed(RiskTier tier) {
		return this.failClosedTiers.contains(tier);
	}

}
