package io.toolgate.dispatcher.spend;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.toolgate.dispatcher.audit.AuditContext;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.metrics.SpendMetrics;
import io.toolgate.dispatcher.policy.TokenEstimator;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.ModelSpend;
import io.toolgate.store.SpendAccount;
import io.toolgate.store.SpendDecision;
import io.toolgate.store.SpendLedger;
import io.toolgate.store.SpendReservation;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.ModelEvent;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Model spend per tenant (per UTC day and month) and per conversation, the shape of
 * {@link io.toolgate.dispatcher.policy.TokenBudget}: {@link #limit} is an operator around
 * a model call that reserves the call's priced estimate (the prompt's estimate plus its
 * completion limit, or the configured completion estimate) on the ledger before the call
 * is subscribed, refuses it with {@link BudgetExhaustedException} when a budget would be
 * exceeded, and settles the reservation once the call completes (with the usage the model
 * reported), fails or is cancelled (with the prompt's estimate plus a token per streamed
 * token). The tenant's day and month accounts are always kept, limited or not, so that
 * spend can be reported. A refusal is recorded in the audit trail
 * ({@code budget_refusal}, failing open) before the call errors. A ledger that cannot be
 * reached refuses the call (the store's 503); a settlement that fails is logged and
 * dropped.
 */
public final class SpendBudget {

	private static final Logger logger = LoggerFactory.getLogger(SpendBudget.class);

	/** How long an account is kept past its period's end. */
	static final Duration RETENTION_PAST_PERIOD = Duration.ofDays(1);

	private final SpendLedger ledger;

	private final SpendPlans plans;

	private final TokenEstimator estimator;

	private final Duration conversationRetention;

	private final AuditTrail audit;

	private final SpendMetrics metrics;

	private final Clock clock;

	/**
	 * Creates the budget.
	 * @param ledger the ledger (on Redis, shared by the fleet)
	 * @param plans prices and budgets
	 * @param estimator the model-token estimator
	 * @param conversationRetention how long a conversation's account is kept after its
	 * last reservation
	 * @param audit where refusals are recorded
	 * @param metrics counts spend and refusals
	 * @param clock the clock that tells the day and the month (UTC)
	 */
	public SpendBudget(SpendLedger ledger, SpendPlans plans, TokenEstimator estimator, Duration conversationRetention,
			AuditTrail audit, SpendMetrics metrics, Clock clock) {
		this.ledger = ledger;
		this.plans = plans;
		this.estimator = estimator;
		this.conversationRetention = conversationRetention;
		this.audit = audit;
		this.metrics = metrics;
		this.clock = clock;
	}

	/**
	 * The name of a tenant's account for a UTC day.
	 * @param day the day
	 * @return the name
	 */
	public static String dayAccount(LocalDate day) {
		return "day:" + day;
	}

	/**
	 * The name of a tenant's account for a UTC month.
	 * @param month the month
	 * @return the name
	 */
	public static String monthAccount(YearMonth month) {
		return "month:" + month;
	}

	/**
	 * Returns the operator that runs a model call under the spend budgets. Apply it with
	 * {@code transformDeferred}, so each subscription reserves anew.
	 * @param tenant the tenant
	 * @param context the key, the conversation (or {@code null} for none) and the turn,
	 * for the conversation's budget and the audit trail
	 * @param model the model the request names
	 * @param prompt the messages sent to the model
	 * @param maxCompletionTokens the request's completion limit, or {@code null} for the
	 * configured estimate
	 * @return the operator; the call errors with {@link BudgetExhaustedException} when
	 * refused
	 */
	public Function<Flux<ModelEvent>, Flux<ModelEvent>> limit(String tenant, AuditContext context, String model,
			List<ChatMessage> prompt, @Nullable Integer maxCompletionTokens) {
		return (call) -> {
			SpendPlans.ModelPrice price = this.plans.price(model);
			long promptTokens = this.estimator.promptTokens(prompt);
			long completionTokens = this.estimator.estimate(prompt, maxCompletionTokens) - promptTokens;
			long estimate = price.cost(promptTokens, Math.max(0, completionTokens));
			AtomicLong streamed = new AtomicLong();
			AtomicReference<@Nullable Usage> reported = new AtomicReference<>();
			Mono<SpendReservation> reserved = reserve(tenant, context.conversationId(), estimate)
				.doOnError(BudgetExhaustedException.class,
						(refusal) -> this.metrics.refused(refusal.budget().wireName()))
				.onErrorResume(BudgetExhaustedException.class,
						(refusal) -> this.audit
							.appendOrWarn(this.audit.record(AuditRecord.Kind.BUDGET_REFUSAL, tenant, context, null,
									null, null, "refused", "not_executed", 0, refusal.auditDetails()))
							.then(Mono.error(refusal)));
			return Flux.usingWhen(reserved, (reservation) -> call.doOnNext((event) -> count(event, streamed, reported)),
					(reservation) -> settle(reservation, model, price, promptTokens, streamed, reported),
					(reservation, error) -> settle(reservation, model, price, promptTokens, streamed, reported),
					(reservation) -> settle(reservation, model, price, promptTokens, streamed, reported));
		};
	}

	private static void count(ModelEvent event, AtomicLong streamed, AtomicReference<@Nullable Usage> reported) {
		if (event instanceof ModelEvent.Token) {
			streamed.incrementAndGet();
		}
		else if (event instanceof ModelEvent.Completed done && done.usage().totalTokens() > 0) {
			reported.set(done.usage());
		}
	}

	/**
	 * Reserves an amount on the tenant's day and month and, given one, the conversation.
	 * @param tenant the tenant
	 * @param conversationId the conversation, or {@code null}
	 * @param micros the amount
	 * @return the reservation; errors with {@link BudgetExhaustedException} when refused
	 */
	public Mono<SpendReservation> reserve(String tenant, @Nullable String conversationId, long micros) {
		return Mono.defer(() -> {
			Instant now = this.clock.instant();
			LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
			YearMonth month = YearMonth.from(day);
			SpendPlans.TenantBudget budget = this.plans.budget(tenant);
			List<SpendAccount> accounts = new ArrayList<>(3);
			accounts.add(new SpendAccount(tenant, dayAccount(day), budget.dailyMicros(),
					dayEnd(day).plus(RETENTION_PAST_PERIOD)));
			accounts.add(new SpendAccount(tenant, monthAccount(month), budget.monthlyMicros(),
					monthEnd(month).plus(RETENTION_PAST_PERIOD)));
			if (conversationId != null) {
				accounts.add(new SpendAccount(tenant, "conversation:" + conversationId, this.plans.conversationMicros(),
						now.plus(this.conversationRetention)));
			}
			return this.ledger.reserve(tenant, accounts, micros).map((decision) -> switch (decision) {
				case SpendDecision.Reserved reserved -> reserved.reservation();
				case SpendDecision.Refused refused -> throw refusal(refused, day, month);
			});
		});
	}

	private static BudgetExhaustedException refusal(SpendDecision.Refused refused, LocalDate day, YearMonth month) {
		String name = refused.account().name();
		long limit = refused.account().limitMicros();
		if (name.startsWith("day:")) {
			return new BudgetExhaustedException(BudgetExhaustedException.Budget.TENANT_DAILY, limit,
					refused.spentMicros(), dayEnd(day));
		}
		if (name.startsWith("month:")) {
			return new BudgetExhaustedException(BudgetExhaustedException.Budget.TENANT_MONTHLY, limit,
					refused.spentMicros(), monthEnd(month));
		}
		return new BudgetExhaustedException(BudgetExhaustedException.Budget.CONVERSATION, limit, refused.spentMicros(),
				null);
	}

	private Mono<Void> settle(SpendReservation reservation, String model, SpendPlans.ModelPrice price,
			long promptEstimate, AtomicLong streamed, AtomicReference<@Nullable Usage> reported) {
		Usage usage = reported.get();
		long prompt = (usage != null) ? usage.promptTokens() : promptEstimate;
		long completion = (usage != null) ? usage.completionTokens() : streamed.get();
		ModelSpend spend = new ModelSpend(price.cost(prompt, completion), prompt, completion, 1);
		this.metrics.spent(reservation.tenant(), model, spend.micros());
		return this.ledger.settle(reservation, model, spend).onErrorResume((ex) -> {
			logger.debug("Could not settle the spend of tenant '{}': {}", reservation.tenant(), ex.toString());
			return Mono.empty();
		});
	}

	static Instant dayEnd(LocalDate day) {
		return day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
	}

	static Instant monthEnd(YearMonth month) {
		return month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant();
	}

}
