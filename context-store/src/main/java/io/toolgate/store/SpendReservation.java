package io.toolgate.store;

import java.util.List;

/**
 * An amount reserved on some accounts of one tenant, to be settled or released exactly
 * once.
 *
 * @param tenant the tenant
 * @param accounts the accounts
 * @param micros the amount reserved on each
 */
public record SpendReservation(String tenant, List<SpendAccount> accounts, long micros) {

	public SpendReservation {
		accounts = List.copyOf(accounts);
	}

}
