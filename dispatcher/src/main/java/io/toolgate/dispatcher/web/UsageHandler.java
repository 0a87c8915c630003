package io.toolgate.dispatcher.web;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.spend.Money;
import io.toolgate.dispatcher.spend.SpendBudget;
import io.toolgate.dispatcher.spend.SpendPlans;
import io.toolgate.store.ModelSpend;
import io.toolgate.store.SpendLedger;
import io.toolgate.store.SpendTotals;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code GET /v1/usage?period=day|month}: the calling tenant's model spend and tokens in
 * the current UTC day and month (both unless {@code period} names one), in total and by
 * model, with the period's budget. {@code spent} includes reservations of calls still
 * running; the per-model figures are settled calls only. Any other parameter value is a
 * 400.
 */
public class UsageHandler {

	private final SpendLedger ledger;

	private final SpendPlans plans;

	private final Clock clock;

	/**
	 * Creates the handler.
	 * @param ledger where spend is read
	 * @param plans the tenants' budgets
	 * @param clock the clock that tells the day and the month (UTC)
	 */
	public UsageHandler(SpendLedger ledger, SpendPlans plans, Clock clock) {
		this.ledger = ledger;
		this.plans = plans;
		this.clock = clock;
	}

	/** Handles {@code GET /v1/usage}. */
	public Mono<ServerResponse> get(ServerRequest request) {
		return Mono.defer(() -> {
			String tenant = Tenant.from(request).id();
			String period = request.queryParam("period").orElse(null);
			if (period != null && !period.equals("day") && !period.equals("month")) {
				throw ToolgateException.invalidField("period", "must be day or month");
			}
			LocalDate day = LocalDate.ofInstant(this.clock.instant(), ZoneOffset.UTC);
			YearMonth month = YearMonth.from(day);
			SpendPlans.TenantBudget budget = this.plans.budget(tenant);
			Mono<Period> today = this.ledger.totals(tenant, SpendBudget.dayAccount(day))
				.map((totals) -> period("day", day.atStartOfDay(ZoneOffset.UTC).toInstant(),
						day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant(), budget.dailyMicros(), totals));
			Mono<Period> thisMonth = this.ledger.totals(tenant, SpendBudget.monthAccount(month))
				.map((totals) -> period("month", month.atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(),
						month.plusMonths(1).atDay(1).atStartOfDay(ZoneOffset.UTC).toInstant(), budget.monthlyMicros(),
						totals));
			Flux<Period> periods = (period == null) ? Flux.concat(today, thisMonth)
					: period.equals("day") ? today.flux() : thisMonth.flux();
			return periods.collectList()
				.flatMap((list) -> ServerResponse.ok()
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(new Usage("usage", tenant, list)));
		});
	}

	private static Period period(String name, Instant start, Instant end, long budgetMicros, SpendTotals totals) {
		List<ModelUsage> models = totals.models()
			.entrySet()
			.stream()
			.sorted(Map.Entry.comparingByKey(Comparator.naturalOrder()))
			.map((entry) -> ModelUsage.of(entry.getKey(), entry.getValue()))
			.toList();
		long prompt = totals.models().values().stream().mapToLong(ModelSpend::promptTokens).sum();
		long completion = totals.models().values().stream().mapToLong(ModelSpend::completionTokens).sum();
		return new Period(name, start.toString(), end.toString(),
				(budgetMicros > 0) ? Money.toAmount(budgetMicros) : null, Money.toAmount(totals.spentMicros()), prompt,
				completion, models);
	}

	/**
	 * The body of {@code GET /v1/usage}.
	 *
	 * @param object always {@code usage}
	 * @param tenant the calling tenant
	 * @param periods the periods asked for, the day first
	 */
	public record Usage(String object, String tenant, List<Period> periods) {
	}

	/**
	 * Spend in one period.
	 *
	 * @param period {@code day} or {@code month}
	 * @param start when the period began (UTC)
	 * @param end when it ends, which is when its budget resets
	 * @param budget the period's budget, or {@code null} when it has none
	 * @param spent the spend of settled calls and the reservations of running ones
	 * @param promptTokens prompt tokens of settled calls
	 * @param completionTokens completion tokens of settled calls
	 * @param models settled spend by model, by name
	 */
	public record Period(String period, String start, String end, @Nullable BigDecimal budget, BigDecimal spent,
			@JsonProperty("prompt_tokens") long promptTokens, @JsonProperty("completion_tokens") long completionTokens,
			List<ModelUsage> models) {
	}

	/**
	 * One model's settled spend in a period.
	 *
	 * @param model the model
	 * @param cost what its calls cost
	 * @param promptTokens their prompt tokens
	 * @param completionTokens their completion tokens
	 * @param calls how many calls
	 */
	public record ModelUsage(String model, BigDecimal cost, @JsonProperty("prompt_tokens") long promptTokens,
			@JsonProperty("completion_tokens") long completionTokens, long calls) {

		static ModelUsage of(String model, ModelSpend spend) {
			return new ModelUsage(model, Money.toAmount(spend.micros()), spend.promptTokens(), spend.completionTokens(),
					spend.calls());
		}

	}

}
