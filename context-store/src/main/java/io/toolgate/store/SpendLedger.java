package io.toolgate.store;

import java.util.List;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The spend ledger: money reserved before a model call on a tenant's accounts (its day,
 * its month, a conversation) and settled with what the call really cost after it. A
 * reservation checks and takes every account in one atomic step, so replicas sharing the
 * ledger admit exactly the limit between them. Amounts are integer micro-units. Every
 * method is non-blocking and lazy, and errors with {@link StoreUnavailableException} if
 * the backing store cannot be reached in time.
 */
public interface SpendLedger {

	/**
	 * Reserves an amount on every account, or on none when it would take one past its
	 * limit.
	 * @param tenant the tenant all accounts belong to
	 * @param accounts the accounts, at least one
	 * @param micros the amount, not negative
	 * @return the decision
	 * @throws IllegalArgumentException (at call time) if an account belongs to another
	 * tenant, there is none, or the amount is negative
	 */
	Mono<SpendDecision> reserve(String tenant, List<SpendAccount> accounts, long micros);

	/**
	 * Settles a reservation: replaces the reserved amount by what was spent and, given
	 * one, adds the call to its model's totals. With {@code null} the whole reservation
	 * is released. Accounts that expired meanwhile are left alone.
	 * @param reservation the reservation, settled at most once
	 * @param model the model the call went to, or {@code null} to release
	 * @param spend what the call spent (its {@code micros} replaces the reservation), or
	 * {@code null} to release
	 * @return completes once settled
	 */
	Mono<Void> settle(SpendReservation reservation, @Nullable String model, @Nullable ModelSpend spend);

	/**
	 * What an account holds.
	 * @param tenant the tenant
	 * @param name the account's name
	 * @return its totals, {@link SpendTotals#EMPTY} when it does not exist or expired
	 */
	Mono<SpendTotals> totals(String tenant, String name);

	/**
	 * Checks the arguments of {@link #reserve}.
	 * @param tenant the tenant
	 * @param accounts the accounts
	 * @param micros the amount
	 */
	static void checkReserve(String tenant, List<SpendAccount> accounts, long micros) {
		if (accounts.isEmpty()) {
			throw new IllegalArgumentException("at least one account is needed");
		}
		if (micros < 0) {
			throw new IllegalArgumentException("micros must not be negative");
		}
		for (SpendAccount account : accounts) {
			if (!account.tenant().equals(tenant)) {
				throw new IllegalArgumentException("account " + account.name() + " belongs to another tenant");
			}
		}
	}

}
