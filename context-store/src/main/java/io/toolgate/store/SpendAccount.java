package io.toolgate.store;

import java.time.Instant;
import java.util.Objects;

/**
 * One account of the spend ledger: a tenant's spend in a period, or a conversation's,
 * with its limit.
 *
 * @param tenant the tenant; every account of one decision belongs to the same tenant
 * @param name the account's name within the tenant, e.g. {@code day:2026-12-03}
 * @param limitMicros the most it may hold in micro-units; 0 is no limit
 * @param expiresAt when the account is forgotten (past its period's end); reserving on an
 * account that expired starts it again from zero
 */
public record SpendAccount(String tenant, String name, long limitMicros, Instant expiresAt) {

	public SpendAccount {
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(name, "name");
		Objects.requireNonNull(expiresAt, "expiresAt");
		if (limitMicros < 0) {
			throw new IllegalArgumentException("limitMicros must not be negative");
		}
	}

}
