package io.toolgate.dispatcher.turn;

import java.util.List;

import io.toolgate.dispatcher.policy.TokenEstimator;
import io.toolgate.dispatcher.spend.BudgetExhaustedException;
import io.toolgate.dispatcher.spend.BudgetExhaustedException.Budget;
import io.toolgate.dispatcher.spend.Money;
import io.toolgate.dispatcher.spend.SpendPlans;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.Usage;
import org.jspecify.annotations.Nullable;

/**
 * The caps on one turn (tokens, tool calls, cost; {@code toolgate.spend.*.turn}) and the
 * turn's running cost. The turn loop asks before each model call
 * ({@link #beforeModelCall}: what the turn used plus the call's estimated prompt must
 * fit) and before each round of tool calls ({@link #beforeToolRound}: the round's calls
 * must fit, and the tokens and cost reconciled after the model call must have left room
 * for another), and reconciles after each model call ({@link #reconcile}) with the usage
 * the model reported, priced with the price table. Caps are per replica state of the
 * turn: a turn continued on another replica (a takeover or a decision on a held call)
 * starts counting from the usage its log's last {@code usage} event records.
 */
final class TurnCapCheck {

	private final SpendPlans plans;

	private final TokenEstimator estimator;

	private final boolean costAccounted;

	/**
	 * Creates the check.
	 * @param plans prices and caps by tenant
	 * @param estimator estimates a prompt's tokens
	 * @param costAccounted whether spend is accounted, and the turn's events carry its
	 * running cost ({@code usage} events)
	 */
	TurnCapCheck(SpendPlans plans, TokenEstimator estimator, boolean costAccounted) {
		this.plans = plans;
		this.estimator = estimator;
		this.costAccounted = costAccounted;
	}

	/**
	 * Tells whether the next model call would pass a cap.
	 * @param state the turn
	 * @param prompt the messages the call sends
	 * @return the exhausted cap, or {@code null} when the call may go
	 */
	@Nullable BudgetExhaustedException beforeModelCall(TurnState state, List<ChatMessage> prompt) {
		SpendPlans.TurnCaps caps = this.plans.turnCaps(state.request.tenant());
		if (!caps.any()) {
			return null;
		}
		long used = state.usage.totalTokens();
		long promptTokens = this.estimator.promptTokens(prompt);
		if (caps.maxTokens() > 0 && used + promptTokens > caps.maxTokens()) {
			return BudgetExhaustedException.turnCap(Budget.TURN_TOKENS, caps.maxTokens(), used, promptTokens);
		}
		if (caps.maxCostMicros() > 0) {
			long promptCost = this.plans.price(state.request.model()).cost(promptTokens, 0);
			if (state.costMicros + promptCost > caps.maxCostMicros()) {
				return BudgetExhaustedException.turnCap(Budget.TURN_COST, caps.maxCostMicros(), state.costMicros,
						promptCost);
			}
		}
		return null;
	}

	/**
	 * Tells whether a round of tool calls would pass a cap, or the turn has no room left
	 * for the model call that reads their results.
	 * @param state the turn, reconciled with its last model call
	 * @param calls how many calls the round runs
	 * @return the exhausted cap, or {@code null} when the round may run
	 */
	@Nullable BudgetExhaustedException beforeToolRound(TurnState state, int calls) {
		SpendPlans.TurnCaps caps = this.plans.turnCaps(state.request.tenant());
		if (caps.maxToolCalls() > 0 && state.toolCalls + calls > caps.maxToolCalls()) {
			return BudgetExhaustedException.turnCap(Budget.TURN_TOOL_CALLS, caps.maxToolCalls(), state.toolCalls,
					calls);
		}
		if (caps.maxTokens() > 0 && state.usage.totalTokens() >= caps.maxTokens()) {
			return BudgetExhaustedException.turnCap(Budget.TURN_TOKENS, caps.maxTokens(), state.usage.totalTokens());
		}
		if (caps.maxCostMicros() > 0 && state.costMicros >= caps.maxCostMicros()) {
			return BudgetExhaustedException.turnCap(Budget.TURN_COST, caps.maxCostMicros(), state.costMicros);
		}
		return null;
	}

	/**
	 * Adds a model call's usage and cost to the turn.
	 * @param state the turn
	 * @param usage what the model reported
	 * @return the turn's {@code usage} event when spend is accounted or the tenant's
	 * turns are capped, else {@code null}
	 */
	TurnEvent.@Nullable UsageUpdate reconcile(TurnState state, Usage usage) {
		state.usage = state.usage.plus(usage);
		state.costMicros += this.plans.price(state.request.model())
			.cost(usage.promptTokens(), usage.completionTokens());
		if (!this.costAccounted && !this.plans.turnCaps(state.request.tenant()).any()) {
			return null;
		}
		return new TurnEvent.UsageUpdate(state.usage, state.iteration, state.costMicros,
				Money.toAmount(state.costMicros).toPlainString());
	}

}
