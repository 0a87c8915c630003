package io.toolgate.dispatcher.spend;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;

import io.toolgate.dispatcher.config.SpendProperties;
import org.jspecify.annotations.Nullable;

/**
 * The spend settings resolved once at start-up into micro-units: prices by model, budgets
 * by tenant, the conversation budget and the turn caps by tenant. Zero is no limit.
 */
public final class SpendPlans {

	private final Map<String, ModelPrice> prices;

	private final ModelPrice defaultPrice;

	private final TenantBudget defaultBudget;

	private final Map<String, TenantBudget> tenants;

	private final long conversationMicros;

	private final TurnCaps defaultTurnCaps;

	private final Map<String, TurnCaps> tenantTurnCaps;

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
		SpendProperties.TurnCaps defaults = properties.defaultBudget().turn();
		this.defaultTurnCaps = turnCaps(defaults, null);
		Map<String, TurnCaps> turnCaps = new HashMap<>();
		properties.tenants().forEach((tenant, budget) -> turnCaps.put(tenant, turnCaps(budget.turn(), defaults)));
		this.tenantTurnCaps = Map.copyOf(turnCaps);
	}

	/** A tenant's turn caps: each cap it sets, else the default's. */
	private static TurnCaps turnCaps(SpendProperties.@Nullable TurnCaps caps,
			SpendProperties.@Nullable TurnCaps defaults) {
		Long maxTokens = first((caps != null) ? caps.maxTokens() : null,
				(defaults != null) ? defaults.maxTokens() : null);
		Integer maxToolCalls = first((caps != null) ? caps.maxToolCalls() : null,
				(defaults != null) ? defaults.maxToolCalls() : null);
		BigDecimal maxCost = first((caps != null) ? caps.maxCost() : null,
				(defaults != null) ? defaults.maxCost() : null);
		return new TurnCaps((maxTokens != null) ? maxTokens : 0, (maxToolCalls != null) ? maxToolCalls : 0,
				Money.micros(maxCost));
	}

	private static <T> @Nullable T first(@Nullable T value, @Nullable T fallback) {
		return (value != null) ? value : fallback;
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
	 * The caps on each turn of a tenant.
	 * @param tenant the tenant id
	 * @return its caps; 0 for a cap that is not set
	 */
	public TurnCaps turnCaps(String tenant) {
		return this.tenantTurnCaps.getOrDefault(tenant, this.defaultTurnCaps);
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

	/**
	 * Caps on one turn, 0 for no cap.
	 *
	 * @param maxTokens model tokens, prompt and completion, over the turn's model calls
	 * @param maxToolCalls tool calls the turn runs
	 * @param maxCostMicros what the turn's model calls may cost, in micro-units
	 */
	public record TurnCaps(long maxTokens, long maxToolCalls, long maxCostMicros) {

		/**
		 * Whether any cap is set.
		 * @return whether one is
		 */
		public boolean any() {
			return this.maxTokens > 0 || this.maxToolCalls > 0 || this.maxCostMicros > 0;
		}

	}

}
