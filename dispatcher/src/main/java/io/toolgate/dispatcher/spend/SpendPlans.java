package io.toolgate.dispatcher.spend;

import java.util.HashMap;
import java.util.Map;

import io.toolgate.dispatcher.config.SpendProperties;

/**
 * The spend settings resolved once at start-up into micro-units: prices by model, budgets
 * by tenant and the conversation budget. Zero is no limit.
 */
public final class SpendPlans {

	private final Map<String, ModelPrice> prices;

	private final ModelPrice defaultPrice;

	private final TenantBudget defaultBudget;

	private final Map<String, TenantBudget> tenants;

	private final long conversationMicros;

	/**
	 * Resolves the settings.
	 * @param properties the bound {@code toolgate.spend} settings
	 */
	public SpendPlans(SpendProperties properties) {
		Map<String, ModelPrice> prices = new HashMap<>();
		properties.prices().forEach((model, price) -> prices.put(model, price(price)));
		this.prices = Map.copyOf(prices);
		this.defaultPrice = (properties.defaultPrice() != null) ? price(properties.defaultPrice())
				: new ModelPrice(0, 0);
		this.defaultBudget = budget(properties.defaultBudget());
		Map<String, TenantBudget> tenants = new HashMap<>();
		properties.tenants().forEach((tenant, budget) -> tenants.put(tenant, budget(budget)));
		this.tenants = Map.copyOf(tenants);
		this.conversationMicros = Money.micros(properties.conversation());
	}

	private static ModelPrice price(SpendProperties.Price price) {
		return new ModelPrice(Money.micros(price.inputPerMillion()), Money.micros(price.outputPerMillion()));
	}

	private static TenantBudget budget(SpendProperties.Budget budget) {
		return new TenantBudget(Money.micros(budget.daily()), Money.micros(budget.monthly()));
	}

	/**
	 * The price of a model.
	 * @param model the model's name as the request gives it
	 * @return its price, the default price (by default free) when it is not in the table
	 */
	public ModelPrice price(String model) {
		return this.prices.getOrDefault(model, this.defaultPrice);
	}

	/**
	 * The budgets of a tenant.
	 * @param tenant the tenant id
	 * @return its budgets
	 */
	public TenantBudget budget(String tenant) {
		return this.tenants.getOrDefault(tenant, this.defaultBudget);
	}

	/**
	 * The most a conversation may spend.
	 * @return micro-units, 0 for no limit
	 */
	public long conversationMicros() {
		return this.conversationMicros;
	}

	/**
	 * A model's price in micro-units per million tokens.
	 *
	 * @param inputMicrosPerMillion the price of a million prompt tokens
	 * @param outputMicrosPerMillion the price of a million completion tokens
	 */
	public record ModelPrice(long inputMicrosPerMillion, long outputMicrosPerMillion) {

		/**
		 * The cost of a call's tokens.
		 * @param promptTokens prompt tokens
		 * @param completionTokens completion tokens
		 * @return micro-units, each part rounded up
		 */
		public long cost(long promptTokens, long completionTokens) {
			return Math.addExact(Money.cost(promptTokens, this.inputMicrosPerMillion),
					Money.cost(completionTokens, this.outputMicrosPerMillion));
		}

	}

	/**
	 * A tenant's budgets in micro-units, 0 for no limit.
	 *
	 * @param dailyMicros per UTC day
	 * @param monthlyMicros per UTC month
	 */
	public record TenantBudget(long dailyMicros, long monthlyMicros) {
	}

}
