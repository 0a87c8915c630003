package io.toolgate.dispatcher.spend;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.streaming.TurnEvent;
import org.jspecify.annotations.Nullable;

/**
 * A model call refused because it would take a spend budget past its limit: 429 with code
 * {@value #CODE} and, in the JSON error, which budget, its limit, what it holds and when
 * it resets. Also the signal of a turn cap ({@link Budget#TURN_TOKENS},
 * {@link Budget#TURN_TOOL_CALLS}, {@link Budget#TURN_COST}), which the turn loop turns
 * into the end of the turn ({@link #toExhaustedBudget}) and never into an HTTP error.
 */
public final class BudgetExhaustedException extends ToolgateException {

	/** The error code. */
	public static final String CODE = "budget_exhausted";

	private final Budget budget;

	private final long limitMicros;

	private final long spentMicros;

	private final @Nullable Instant resetsAt;

	/**
	 * Creates the refusal.
	 * @param budget the budget
	 * @param limitMicros its limit (micro-units, or tokens or tool calls for those caps)
	 * @param spentMicros what it held when the call was refused, in the same unit
	 * @param resetsAt when its period ends, {@code null} for a budget that never resets
	 */
	public BudgetExhaustedException(Budget budget, long limitMicros, long spentMicros, @Nullable Instant resetsAt) {
		this(budget, limitMicros, spentMicros, resetsAt, message(budget, limitMicros, spentMicros, resetsAt));
	}

	private BudgetExhaustedException(Budget budget, long limitMicros, long spentMicros, @Nullable Instant resetsAt,
			String message) {
		super(ErrorType.RATE_LIMITED, CODE, message, null, Map.of());
		this.budget = budget;
		this.limitMicros = limitMicros;
		this.spentMicros = spentMicros;
		this.resetsAt = resetsAt;
	}

	private static String message(Budget budget, long limit, long spent, @Nullable Instant resetsAt) {
		return "The " + budget.description + " of " + format(budget, limit) + " is exhausted ("
				+ (budget.turn ? "used " : "spent ") + format(budget, spent) + ")"
				+ ((resetsAt != null) ? "; it resets at " + resetsAt : "");
	}

	private static String format(Budget budget, long value) {
		return budget.money ? Money.toAmount(value).toPlainString() : Long.toString(value);
	}

	/**
	 * A turn cap the turn would pass.
	 * @param budget the cap: {@link Budget#TURN_TOKENS}, {@link Budget#TURN_TOOL_CALLS}
	 * or {@link Budget#TURN_COST}
	 * @param limit its limit, in tokens, tool calls or micro-units
	 * @param used what the turn used so far, in the same unit
	 * @return the refusal
	 */
	public static BudgetExhaustedException turnCap(Budget budget, long limit, long used) {
		return new BudgetExhaustedException(budget, limit, used, null);
	}

	/**
	 * A turn cap the turn's next step would pass.
	 * @param budget the cap
	 * @param limit its limit, in tokens, tool calls or micro-units
	 * @param used what the turn used so far, in the same unit
	 * @param needed what the next step needs at least (a model call's estimated prompt, a
	 * round's calls), in the same unit
	 * @return the refusal
	 */
	public static BudgetExhaustedException turnCap(Budget budget, long limit, long used, long needed) {
		return new BudgetExhaustedException(budget, limit, used, null,
				"The " + budget.description + " of " + format(budget, limit) + " would be passed (used "
						+ format(budget, used) + ", the next step needs " + format(budget, needed) + " more)");
	}

	/**
	 * The refusal as a turn's end shows it.
	 * @return which budget, the message, its limit and what was used, amounts of money
	 * with six decimals
	 */
	public TurnEvent.ExhaustedBudget toExhaustedBudget() {
		return new TurnEvent.ExhaustedBudget(this.budget.wireName, getMessage(), amount(this.limitMicros),
				amount(this.spentMicros));
	}

	/**
	 * The limit and what was used, for the audit trail.
	 * @return the budget's name, its limit and what was used, as text
	 */
	public Map<String, String> auditDetails() {
		return Map.of("budget", this.budget.wireName, "limit", amount(this.limitMicros).toPlainString(), "used",
				amount(this.spentMicros).toPlainString());
	}

	private BigDecimal amount(long value) {
		return this.budget.money ? Money.toAmount(value) : BigDecimal.valueOf(value);
	}

	/**
	 * The budget.
	 * @return the budget
	 */
	public Budget budget() {
		return this.budget;
	}

	@Override
	public Map<String, Object> details() {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("budget", this.budget.wireName);
		details.put("limit", amount(this.limitMicros));
		details.put(this.budget.turn ? "used" : "spent", amount(this.spentMicros));
		if (this.resetsAt != null) {
			details.put("resets_at", this.resetsAt.toString());
		}
		return details;
	}

	/** The budgets a call can exhaust. */
	public enum Budget {

		/** The tenant's budget for the UTC day. */
		TENANT_DAILY("tenant_daily", "tenant's daily budget", true, false),

		/** The tenant's budget for the UTC month. */
		TENANT_MONTHLY("tenant_monthly", "tenant's monthly budget", true, false),

		/** The conversation's budget. */
		CONVERSATION("conversation", "conversation's budget", true, false),

		/** The turn's cap on model tokens. */
		TURN_TOKENS("turn_tokens", "turn's token cap", false, true),

		/** The turn's cap on tool calls. */
		TURN_TOOL_CALLS("turn_tool_calls", "turn's tool-call cap", false, true),

		/** The turn's cap on the cost of its model calls. */
		TURN_COST("turn_cost", "turn's cost cap", true, true);

		private final String wireName;

		private final String description;

		private final boolean money;

		private final boolean turn;

		Budget(String wireName, String description, boolean money, boolean turn) {
			this.wireName = wireName;
			this.description = description;
			this.money = money;
			this.turn = turn;
		}

		/**
		 * Whether this is a cap on one turn, enforced by the turn loop.
		 * @return whether it is
		 */
		public boolean isTurnCap() {
			return this.turn;
		}

		/**
		 * The name in the JSON error and in metrics.
		 * @return the name
		 */
		public String wireName() {
			return this.wireName;
		}

	}

}
