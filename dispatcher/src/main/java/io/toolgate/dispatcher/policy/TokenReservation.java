package io.toolgate.dispatcher.policy;

import io.toolgate.ratelimit.LimitSpec;
import org.jspecify.annotations.Nullable;

/**
 * Model tokens taken from a tenant's bucket before a model call, to be reconciled with
 * the actual usage after it through
 * {@link TokenBudget#reconcile(TokenReservation, long)}.
 *
 * @param tenant the tenant
 * @param tokens the tokens taken
 * @param spec the bucket they were taken from; {@code null} when the tenant's tokens are
 * not limited
 */
public record TokenReservation(String tenant, long tokens, @Nullable LimitSpec spec) {

	/**
	 * Returns a reservation that took nothing.
	 * @param tenant the tenant
	 * @return a reservation without a bucket
	 */
	public static TokenReservation none(String tenant) {
		return new TokenReservation(tenant, 0, null);
	}

}
