package io.toolgate.dispatcher.config;

import java.math.BigDecimal;
import java.util.Map;

import io.toolgate.dispatcher.spend.Money;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Spend budgets ({@code toolgate.spend}): what model tokens cost and how much a tenant
 * and a conversation may spend. Amounts are in the currency of the price table (say US
 * dollars) with at most six decimals; they are kept as integer micro-units. An unset or
 * zero budget or cap is no limit. Days and months are UTC periods. Turn caps
 * ({@code default-budget.turn}, {@code tenants.<id>.turn}) are enforced by the turn loop
 * of the replica running the turn and need no ledger.
 *
 * @param prices the price of each model by model name, as the request names it
 * @param defaultPrice the price of a model not in {@code prices}; unset, such a model
 * costs nothing (its tokens still count against the turn's token cap)
 * @param defaultBudget the budgets (and turn caps) of tenants not listed in
 * {@code tenants}
 * @param tenants budgets by tenant id, replacing {@code default-budget} for that tenant
 * @param conversation most that one conversation may spend over its life
 * @param maxLocalAccounts most accounts (a tenant's day or month, a conversation) the
 * in-memory ledger of a replica without Redis keeps
 */
@Validated
@ConfigurationProperties("toolgate.spend")
public record SpendProperties(Map<String, @Valid Price> prices, @Nullable @Valid Price defaultPrice,
		@DefaultValue @Valid Budget defaultBudget, Map<String, @Valid Budget> tenants,
		@Nullable BigDecimal conversation, @DefaultValue("100000") @Min(1) int maxLocalAccounts) {

	public SpendProperties {
		prices = (prices != null) ? Map.copyOf(prices) : Map.of();
		tenants = (tenants != null) ? Map.copyOf(tenants) : Map.of();
		Money.checkAmount("toolgate.spend.conversation", conversation);
	}

	/**
	 * Whether spend is accounted at all: a price or a budget is configured (turn caps
	 * alone need no ledger). With none, model calls skip the ledger, so an installation
	 * that does not use spend budgets pays no store round trip for them.
	 * @return whether spend is accounted
	 */
	public boolean configured() {
		return !this.prices.isEmpty() || this.defaultPrice != null || this.conversation != null
				|| this.defaultBudget.daily() != null || this.defaultBudget.monthly() != null
				|| this.tenants.values()
					.stream()
					.anyMatch((budget) -> budget.daily() != null || budget.monthly() != null);
	}

	/**
	 * A model's price.
	 *
	 * @param inputPerMillion the price of a million prompt tokens
	 * @param outputPerMillion the price of a million completion tokens
	 */
	public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {

		public Price {
			if (inputPerMillion == null || outputPerMillion == null) {
				throw new IllegalArgumentException(
						"a price needs both input-per-million and output-per-million (0 for free)");
			}
			Money.checkPrice("input-per-million", inputPerMillion);
			Money.checkPrice("output-per-million", outputPerMillion);
		}

	}

	/**
	 * A tenant's budgets.
	 *
	 * @param daily most the tenant may spend in one UTC day
	 * @param monthly most the tenant may spend in one UTC month
	 * @param turn caps on each of the tenant's turns; under {@code tenants.<id>}, a cap
	 * left unset falls back to {@code default-budget.turn}'s
	 */
	public record Budget(@Nullable BigDecimal daily, @Nullable BigDecimal monthly, @Nullable @Valid TurnCaps turn) {

		public Budget {
			Money.checkAmount("daily", daily);
			Money.checkAmount("monthly", monthly);
		}

	}

	/**
	 * Caps on one turn, checked by the turn loop before each model call and each round of
	 * tool calls; unset or 0 is no cap.
	 *
	 * @param maxTokens most model tokens (prompt and completion, summed over the turn's
	 * model calls)
	 * @param maxToolCalls most tool calls the turn runs
	 * @param maxCost most the turn's model calls may cost, priced with the price table
	 */
	public record TurnCaps(@Nullable @Min(0) Long maxTokens, @Nullable @Min(0) Integer maxToolCalls,
			@Nullable BigDecimal maxCost) {

		public TurnCaps {
			if (maxTokens != null && maxTokens < 0) {
				throw new IllegalArgumentException("turn.max-tokens must not be negative, got " + maxTokens);
			}
			if (maxToolCalls != null && maxToolCalls < 0) {
				throw new IllegalArgumentException("turn.max-tool-calls must not be negative, got " + maxToolCalls);
			}
			Money.checkAmount("turn.max-cost", maxCost);
		}

	}

}
