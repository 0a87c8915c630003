package io.toolgate.store;

/** The answer of {@link SpendLedger#reserve}: reserved on every account, or on none. */
public sealed interface SpendDecision {

	/**
	 * The amount is reserved on every account.
	 *
	 * @param reservation what to settle or release later
	 */
	record Reserved(SpendReservation reservation) implements SpendDecision {
	}

	/**
	 * The amount would take an account past its limit; nothing was reserved.
	 *
	 * @param account the first such account, in the order given
	 * @param spentMicros what it held when the reservation was refused
	 */
	record Refused(SpendAccount account, long spentMicros) implements SpendDecision {
	}

}
