package io.toolgate.dispatcher.spend;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import org.jspecify.annotations.Nullable;

/**
 * A model call refused because it would take a spend budget past its limit: 429 with code
 * {@value #CODE} and, in the JSON error, which budget, its limit, what it holds and when
 * it resets.
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
	 * @param limitMicros its limit
	 * @param spentMicros what it held when the call was refused
	 * @param resetsAt when its period ends, {@code null} for a budget that never resets
	 */
	public BudgetExhaustedException(Budget budget, long limitMicros, long spentMicros, @Nullable Instant resetsAt) {
		super(ErrorType.RATE_LIMITED, CODE, message(budget, limitMicros, spentMicros, resetsAt), null, Map.of());
		this.budget = budget;
		this.limitMicros = limitMicros;
		this.spentMicros = spentMicros;
		this.resetsAt = resetsAt;
	}

	private static String message(Budget budget, long limitMicros, long spentMicros, @Nullable Instant resetsAt) {
		return "The " + budget.description + " of " + Money.toAmount(limitMicros).toPlainString()
				+ " is exhausted (spent " + Money.toAmount(spentMicros).toPlainString() + ")"
				+ ((resetsAt != null) ? "; it resets at " + resetsAt : "");
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
		details.put("limit", Money.toAmount(this.limitMicros));
		details.put("spent", Money.toAmount(this.spentMicros));
		if (this.resetsAt != null) {
			details.put("resets_at", this.resetsAt.toString());
		}
		return details;
	}

	/** The budgets a call can exhaust. */
	public enum Budget {

		/** The tenant's budget for the UTC day. */
		TENANT_DAILY("tenant_daily", "tenant's daily budget"),

		/** The tenant's budget for the UTC month. */
		TENANT_MONTHLY("tenant_monthly", "tenant's monthly budget"),

		/** The conversation's budget. */
		CONVERSATION("conversation", "conversation's budget");

		private final String wireName;

		private final String description;

		Budget(String wireName, String description) {
			this.wireName = wireName;
			this.description = description;
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
