package io.toolgate.dispatcher.turn;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.config.SpendProperties;
import io.toolgate.dispatcher.policy.TokenEstimator;
import io.toolgate.dispatcher.spend.BudgetExhaustedException;
import io.toolgate.dispatcher.spend.SpendPlans;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.Usage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The caps on one turn: a model call must fit what the turn used plus its prompt, a round
 * of tool calls must fit the tool-call cap and leave room for another model call; usage
 * and cost add up after each call; a tenant's caps override the default's one by one.
 */
class TurnCapCheckTests {

	/**
	 * Four characters a token; 10 a million tokens either way: 10 micro-units a token.
	 */
	private static final TokenEstimator ESTIMATOR = new TokenEstimator(4, 100);

	private static final SpendProperties.Price PRICE = new SpendProperties.Price(BigDecimal.TEN, BigDecimal.TEN);

	private static SpendPlans plans(SpendProperties.TurnCaps defaults, Map<String, SpendProperties.Budget> tenants) {
		return new SpendPlans(new SpendProperties(Map.of(), PRICE, new SpendProperties.Budget(null, null, defaults),
				tenants, null, 1_000));
	}

	private static TurnState state(String tenant) {
		return new TurnState(new TurnRequest("turn_1", tenant, null, "m", List.of(), List.of(ChatMessage.user("hi")),
				List.of(), null, ConversationWriter.NONE, true), false);
	}

	@Test
	void refusesAModelCallWhosePromptWouldPassTheTokenCap() {
		TurnCapCheck check = new TurnCapCheck(plans(new SpendProperties.TurnCaps(100L, null, null), Map.of()),
				ESTIMATOR, true);
		TurnState state = state("acme");
		// 40 characters of content and 16 of message overhead: 14 tokens.
		List<ChatMessage> prompt = List.of(ChatMessage.user("x".repeat(40)));
		long promptTokens = ESTIMATOR.promptTokens(prompt);
		state.usage = Usage.of(100 - promptTokens, 0);
		assertThat(check.beforeModelCall(state, prompt)).isNull();

		state.usage = Usage.of(100 - promptTokens + 1, 0);
		BudgetExhaustedException refusal = check.beforeModelCall(state, prompt);

		assertThat(refusal).isNotNull();
		assertThat(refusal.budget()).isEqualTo(BudgetExhaustedException.Budget.TURN_TOKENS);
		TurnEvent.ExhaustedBudget budget = refusal.toExhaustedBudget();
		assertThat(budget.budget()).isEqualTo("turn_tokens");
		assertThat(budget.limit()).isEqualByComparingTo("100");
		assertThat(budget.used()).isEqualByComparingTo(BigDecimal.valueOf(100 - promptTokens + 1));
		assertThat(budget.message()).isEqualTo("The turn's token cap of 100 would be passed (used "
				+ (100 - promptTokens + 1) + ", the next step needs " + promptTokens + " more)");
		assertThat(refusal.auditDetails()).containsEntry("budget", "turn_tokens").containsEntry("limit", "100");
	}

	@Test
	void refusesAToolRoundPastTheToolCallCapOrWithNoTokensLeft() {
		TurnCapCheck check = new TurnCapCheck(plans(new SpendProperties.TurnCaps(50L, 3, null), Map.of()), ESTIMATOR,
				true);
		TurnState state = state("acme");
		state.toolCalls = 1;
		assertThat(check.beforeToolRound(state, 2)).isNull();

		BudgetExhaustedException calls = check.beforeToolRound(state, 3);
		assertThat(calls).isNotNull();
		assertThat(calls.budget()).isEqualTo(BudgetExhaustedException.Budget.TURN_TOOL_CALLS);
		assertThat(calls.getMessage())
			.isEqualTo("The turn's tool-call cap of 3 would be passed (used 1, the next step needs 3 more)");

		state.usage = Usage.of(40, 10);
		BudgetExhaustedException tokens = check.beforeToolRound(state, 1);
		assertThat(tokens).isNotNull();
		assertThat(tokens.budget()).isEqualTo(BudgetExhaustedException.Budget.TURN_TOKENS);
		assertThat(tokens.getMessage()).isEqualTo("The turn's token cap of 50 is exhausted (used 50)");
	}

	@Test
	void addsUpUsageAndCostAfterEachCallAndRefusesPastTheCostCap() {
		TurnCapCheck check = new TurnCapCheck(
				plans(new SpendProperties.TurnCaps(null, null, new BigDecimal("0.0004")), Map.of()), ESTIMATOR, true);
		TurnState state = state("acme");
		state.iteration = 1;
		TurnEvent.UsageUpdate first = check.reconcile(state, Usage.of(10, 5));
		state.iteration = 2;
		TurnEvent.UsageUpdate second = check.reconcile(state, Usage.of(10, 5));

		assertThat(first).isEqualTo(new TurnEvent.UsageUpdate(Usage.of(10, 5), 1, 150, "0.000150"));
		assertThat(second).isEqualTo(new TurnEvent.UsageUpdate(Usage.of(20, 10), 2, 300, "0.000300"));
		assertThat(check.beforeToolRound(state, 1)).isNull();
		// 300 spent and a prompt of 14 tokens (140) would pass 400.
		BudgetExhaustedException refusal = check.beforeModelCall(state, List.of(ChatMessage.user("x".repeat(40))));
		assertThat(refusal).isNotNull();
		assertThat(refusal.budget()).isEqualTo(BudgetExhaustedException.Budget.TURN_COST);
		assertThat(refusal.getMessage()).isEqualTo(
				"The turn's cost cap of 0.000400 would be passed (used 0.000300, the next step needs 0.000140 more)");
		assertThat(refusal.toExhaustedBudget().used()).isEqualByComparingTo("0.0003");
	}

	@Test
	void aTenantsCapsOverrideTheDefaultsOneByOne() {
		SpendPlans plans = plans(new SpendProperties.TurnCaps(1_000L, 5, null),
				Map.of("acme", new SpendProperties.Budget(null, null, new SpendProperties.TurnCaps(null, 0, null)),
						"globex", new SpendProperties.Budget(BigDecimal.ONE, null, null)));

		assertThat(plans.turnCaps("acme")).isEqualTo(new SpendPlans.TurnCaps(1_000, 0, 0));
		assertThat(plans.turnCaps("globex")).isEqualTo(new SpendPlans.TurnCaps(1_000, 5, 0));
		assertThat(plans.turnCaps("initech")).isEqualTo(new SpendPlans.TurnCaps(1_000, 5, 0));
	}

	@Test
	void withoutCapsOrSpendNothingIsRefusedAndNoUsageEventIsMade() {
		TurnCapCheck check = new TurnCapCheck(plans(null, Map.of()), ESTIMATOR, false);
		TurnState state = state("acme");
		state.usage = Usage.of(1_000_000, 1_000_000);
		state.toolCalls = 1_000;

		assertThat(check.beforeModelCall(state, List.of(ChatMessage.user("x".repeat(4_000))))).isNull();
		assertThat(check.beforeToolRound(state, 100)).isNull();
		assertThat(check.reconcile(state, Usage.of(1, 1))).isNull();
		assertThat(state.usage).isEqualTo(Usage.of(1_000_001, 1_000_001));
	}

	@Test
	void aContinuedTurnGoesOnFromItsLastUsageEventAndTheCallsItsLogRecords() {
		TurnResumption.Spent spent = TurnResumption.Spent.of(List.of(new TurnEvent.TurnStarted("t", "c", "m"),
				new TurnEvent.UsageUpdate(Usage.of(10, 5), 1, 150, "0.000150"),
				new TurnEvent.ToolCallStarted("call_1", "calculator", "{}", 1),
				new TurnEvent.ToolCallStarted("call_2", "send_email", "{}", 1),
				new TurnEvent.UsageUpdate(Usage.of(40, 10), 2, 500, "0.000500"),
				new TurnEvent.ToolCallStarted("call_3", "calculator", "{}", 2)));

		assertThat(spent).isEqualTo(new TurnResumption.Spent(Usage.of(40, 10), 500, 3));
		assertThat(TurnResumption.Spent.of(List.of())).isEqualTo(TurnResumption.Spent.NONE);
	}

	@Test
	void negativeCapsStopStartUpNamingTheSetting() {
		assertThatIllegalArgumentException().isThrownBy(() -> new SpendProperties.TurnCaps(-1L, null, null))
			.withMessageContaining("turn.max-tokens");
		assertThatIllegalArgumentException().isThrownBy(() -> new SpendProperties.TurnCaps(null, -2, null))
			.withMessageContaining("turn.max-tool-calls");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new SpendProperties.TurnCaps(null, null, new BigDecimal("0.0000001")))
			.withMessageContaining("turn.max-cost");
	}

}
