package io.toolgate.store;

import java.util.Map;

/**
 * What an account holds.
 *
 * @param spentMicros settled spend and open reservations, in micro-units
 * @param models settled spend by model
 */
public record SpendTotals(long spentMicros, Map<String, ModelSpend> models) {

	/** An account that holds nothing. */
	public static final SpendTotals EMPTY = new SpendTotals(0, Map.of());

	public SpendTotals {
		models = Map.copyOf(models);
	}

}
