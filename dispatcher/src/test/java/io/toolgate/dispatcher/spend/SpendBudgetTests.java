package io.toolgate.dispatcher.spend;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.audit.AuditContext;
import io.toolgate.dispatcher.audit.AuditPolicy;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.config.SpendProperties;
import io.toolgate.dispatcher.metrics.AuditMetrics;
import io.toolgate.dispatcher.metrics.SpendMetrics;
import io.toolgate.store.AuditQuery;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.StoredAuditRecord;
import io.toolgate.store.memory.InMemoryAuditLog;
import io.toolgate.dispatcher.policy.TokenEstimator;
import io.toolgate.store.ModelSpend;
import io.toolgate.store.SpendTotals;
import io.toolgate.store.memory.InMemorySpendLedger;
import io.toolgate.store.support.MutableClock;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.ModelEvent;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link SpendBudget} around a model call, on a real in-memory ledger: the estimate is
 * reserved before the call is subscribed and settled on every path (complete, error,
 * cancel); a call over a budget is refused before it is made.
 */
class SpendBudgetTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final String TENANT = "acme";

	private static final String MODEL = "gpt-4o";

	// 4 characters a token, 1,000 completion tokens when the request sets no limit.
	private static final TokenEstimator ESTIMATOR = new TokenEstimator(4, 1_000);

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-31T23:00:00Z"));

	private final InMemorySpendLedger ledger = new InMemorySpendLedger(1_000, this.clock);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final InMemoryAuditLog auditLog = new InMemoryAuditLog(100, this.clock);

	private final AuditTrail audit = new AuditTrail(this.auditLog,
			new AuditPolicy(Set.of(), false, "replica-t", Duration.ofSeconds(1)),
			new AuditMetrics(new SimpleMeterRegistry()), this.clock);

	private final List<ChatMessage> prompt = List.of(ChatMessage.user("x".repeat(400)));

	private final long promptEstimate = ESTIMATOR.promptTokens(this.prompt);

	private SpendBudget budget(SpendProperties.Budget tenantBudget, @Nullable BigDecimal conversation) {
		// 2.50 a million prompt tokens and 10 a million completion tokens.
		SpendProperties properties = new SpendProperties(
				Map.of(MODEL, new SpendProperties.Price(new BigDecimal("2.50"), new BigDecimal("10"))), null,
				tenantBudget, Map.of(), conversation, 1_000);
		return new SpendBudget(this.ledger, new SpendPlans(properties), ESTIMATOR, Duration.ofDays(30), this.audit,
				new SpendMetrics(this.meters, true), this.clock);
	}

	private SpendBudget unlimited() {
		return budget(new SpendProperties.Budget(null, null, null), null);
	}

	@Test
	void reservesThePricedEstimateBeforeTheCallIsSubscribed() {
		AtomicReference<SpendTotals> atSubscription = new AtomicReference<>();
		Flux<ModelEvent> call = Flux.defer(() -> {
			atSubscription.set(day());
			return Flux.just(token(), completed(Usage.of(100, 20)));
		});
		StepVerifier.create(call.transformDeferred(unlimited().limit(TENANT, context("c1"), MODEL, this.prompt, 200)))
			.expectNextCount(2)
			.verifyComplete();
		// The estimate: the prompt's tokens at 2.50 a million and 200 completion tokens
		// at 10 a million, each rounded up to a micro-unit.
		long estimate = Math.ceilDiv(this.promptEstimate * 2_500_000, 1_000_000) + 200 * 10;
		assertThat(atSubscription.get().spentMicros()).isEqualTo(estimate);
	}

	@Test
	void settlesWithTheReportedUsageOnCompletion() {
		Flux<ModelEvent> call = Flux.just(token(), token(), completed(Usage.of(1_000, 30)));
		StepVerifier.create(call.transformDeferred(unlimited().limit(TENANT, context("c1"), MODEL, this.prompt, null)))
			.expectNextCount(3)
			.verifyComplete();
		// 1,000 prompt tokens: 2,500 micro-units; 30 completion tokens: 300.
		SpendTotals expected = new SpendTotals(2_800, Map.of(MODEL, new ModelSpend(2_800, 1_000, 30, 1)));
		assertThat(day()).isEqualTo(expected);
		assertThat(month()).isEqualTo(expected);
		assertThat(this.ledger.totals(TENANT, "conversation:c1").block(TIMEOUT)).isEqualTo(expected);
		assertThat(this.meters.get("toolgate.spend.cost").tag("model", MODEL).tag("tenant", TENANT).counter().count())
			.isEqualTo(0.0028);
	}

	@Test
	void settlesWithThePromptAndTheStreamedTokensOnError() {
		Flux<ModelEvent> call = Flux.just(token(), token(), token())
			.concatWith(Flux.error(new IllegalStateException("upstream went away")));
		StepVerifier.create(call.transformDeferred(unlimited().limit(TENANT, context(null), MODEL, this.prompt, null)))
			.expectNextCount(3)
			.verifyErrorMessage("upstream went away");
		long spent = Math.ceilDiv(this.promptEstimate * 2_500_000, 1_000_000) + 3 * 10;
		assertThat(day())
			.isEqualTo(new SpendTotals(spent, Map.of(MODEL, new ModelSpend(spent, this.promptEstimate, 3, 1))));
	}

	@Test
	void settlesWithThePromptAndTheStreamedTokensOnCancel() {
		Sinks.Many<ModelEvent> upstream = Sinks.many().unicast().onBackpressureBuffer();
		upstream.tryEmitNext(token());
		upstream.tryEmitNext(token());
		StepVerifier
			.create(upstream.asFlux()
				.transformDeferred(unlimited().limit(TENANT, context(null), MODEL, this.prompt, null)))
			.expectNextCount(2)
			.thenCancel()
			.verify(TIMEOUT);
		long spent = Math.ceilDiv(this.promptEstimate * 2_500_000, 1_000_000) + 2 * 10;
		assertThat(day().spentMicros()).isEqualTo(spent);
		assertThat(day().models().get(MODEL)).isEqualTo(new ModelSpend(spent, this.promptEstimate, 2, 1));
	}

	@Test
	void refusesACallOverTheDailyBudgetBeforeMakingIt() {
		// 1,000 completion tokens at 10 a million: at least 10,000 micro-units.
		SpendBudget budget = budget(new SpendProperties.Budget(new BigDecimal("0.01"), null, null), null);
		AtomicInteger subscriptions = new AtomicInteger();
		Flux<ModelEvent> call = Flux.defer(() -> {
			subscriptions.incrementAndGet();
			return Flux.just(completed(Usage.of(1, 1)));
		});
		StepVerifier.create(call.transformDeferred(budget.limit(TENANT, context(null), MODEL, this.prompt, null)))
			.expectErrorSatisfies((error) -> {
				assertThat(error).isInstanceOfSatisfying(BudgetExhaustedException.class, (refusal) -> {
					assertThat(refusal.code()).isEqualTo("budget_exhausted");
					assertThat(refusal.errorType().status()).isEqualTo(429);
					assertThat(refusal.budget()).isEqualTo(BudgetExhaustedException.Budget.TENANT_DAILY);
					assertThat(refusal.details()).containsEntry("budget", "tenant_daily")
						.containsEntry("limit", new BigDecimal("0.010000"))
						.containsEntry("spent", new BigDecimal("0.000000"))
						.containsEntry("resets_at", "2030-02-01T00:00:00Z");
					assertThat(refusal.getMessage()).isEqualTo(
							"The tenant's daily budget of 0.010000 is exhausted (spent 0.000000); it resets at 2030-02-01T00:00:00Z");
				});
			})
			.verify(TIMEOUT);
		assertThat(subscriptions).hasValue(0);
		assertThat(this.meters.get("toolgate.spend.refusals").tag("budget", "tenant_daily").counter().count())
			.isEqualTo(1);
		assertThat(day()).isEqualTo(SpendTotals.EMPTY);
		List<StoredAuditRecord> records = this.auditLog.read(TENANT, new AuditQuery(null, null, 10, null))
			.block(TIMEOUT)
			.records();
		assertThat(records).singleElement().satisfies((stored) -> {
			AuditRecord record = stored.record();
			assertThat(record.kind()).isEqualTo(AuditRecord.Kind.BUDGET_REFUSAL);
			assertThat(record.keyId()).isEqualTo("key-1");
			assertThat(record.conversationId()).isNull();
			assertThat(record.turnId()).isEqualTo("turn-1");
			assertThat(record.decision()).isEqualTo("refused");
			assertThat(record.outcome()).isEqualTo("not_executed");
		});
	}

	@Test
	void refusalOfTheMonthResetsAtTheMonthsEnd() {
		SpendBudget budget = budget(new SpendProperties.Budget(null, new BigDecimal("0.001"), null), null);
		StepVerifier
			.create(Flux.<ModelEvent>empty()
				.transformDeferred(budget.limit(TENANT, context(null), MODEL, this.prompt, null)))
			.expectErrorSatisfies((error) -> assertThat(((BudgetExhaustedException) error).details())
				.containsEntry("budget", "tenant_monthly")
				.containsEntry("resets_at", "2030-02-01T00:00:00Z"))
			.verify(TIMEOUT);
	}

	@Test
	void conversationBudgetIsSpentAcrossCallsAndNeverResets() {
		SpendBudget budget = budget(new SpendProperties.Budget(null, null, null), new BigDecimal("0.02"));
		// Each call reserves about 10,250 micro-units and settles at its usage: 1,000
		// prompt tokens and 1,000 completion tokens cost 12,500.
		StepVerifier
			.create(Flux.<ModelEvent>just(completed(Usage.of(1_000, 1_000)))
				.transformDeferred(budget.limit(TENANT, context("c1"), MODEL, this.prompt, null)))
			.expectNextCount(1)
			.verifyComplete();
		StepVerifier
			.create(Flux.<ModelEvent>empty()
				.transformDeferred(budget.limit(TENANT, context("c1"), MODEL, this.prompt, null)))
			.expectErrorSatisfies((error) -> assertThat(((BudgetExhaustedException) error).details())
				.containsEntry("budget", "conversation")
				.containsEntry("spent", new BigDecimal("0.012500"))
				.doesNotContainKey("resets_at"))
			.verify(TIMEOUT);
		// Another conversation of the same tenant is not held back.
		StepVerifier
			.create(Flux.<ModelEvent>empty()
				.transformDeferred(budget.limit(TENANT, context("c2"), MODEL, this.prompt, null)))
			.verifyComplete();
	}

	@Test
	void unknownModelCostsNothingButIsStillCounted() {
		StepVerifier
			.create(Flux.<ModelEvent>just(completed(Usage.of(500, 50)))
				.transformDeferred(unlimited().limit(TENANT, context(null), "some-local-model", this.prompt, null)))
			.expectNextCount(1)
			.verifyComplete();
		assertThat(day()).isEqualTo(new SpendTotals(0, Map.of("some-local-model", new ModelSpend(0, 500, 50, 1))));
	}

	private static AuditContext context(@Nullable String conversationId) {
		return new AuditContext("key-1", conversationId, "turn-1");
	}

	private SpendTotals day() {
		return this.ledger.totals(TENANT, SpendBudget.dayAccount(LocalDate.parse("2030-01-31"))).block(TIMEOUT);
	}

	private SpendTotals month() {
		return this.ledger.totals(TENANT, SpendBudget.monthAccount(YearMonth.parse("2030-01"))).block(TIMEOUT);
	}

	private static ModelEvent token() {
		return new ModelEvent.Token("a");
	}

	private static ModelEvent completed(Usage usage) {
		return new ModelEvent.Completed(ChatMessage.assistant("done"), "stop", usage, MODEL);
	}

}
