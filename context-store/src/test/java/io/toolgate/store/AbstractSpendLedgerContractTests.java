package io.toolgate.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * The behaviour every {@link SpendLedger} implementation must have: reservations that
 * check and take every account at once, exactly the limit admitted under concurrency,
 * settlement with what was spent, release, expiry and isolation of tenants.
 */
public abstract class AbstractSpendLedgerContractTests extends AbstractExpiringStoreContractTests {

	private SpendLedger ledger;

	private String tenant;

	/**
	 * Creates the implementation under test; called before each test.
	 * @return a ledger (state shared with earlier tests is tolerated: every test uses a
	 * new tenant)
	 */
	protected abstract SpendLedger createLedger();

	/**
	 * The time as the implementation measures it.
	 * @return now
	 */
	protected abstract Instant now();

	@BeforeEach
	void createLedgerAndTenant() {
		this.ledger = createLedger();
		this.tenant = "tenant-" + UUID.randomUUID();
	}

	@Test
	void reservesOnEveryAccount() {
		SpendAccount day = account("day:2030-01-01", 1_000);
		SpendAccount conversation = account("conversation:c1", 0);
		SpendDecision decision = reserve(250, day, conversation);
		assertThat(decision).isInstanceOfSatisfying(SpendDecision.Reserved.class, (reserved) -> {
			assertThat(reserved.reservation().micros()).isEqualTo(250);
			assertThat(reserved.reservation().accounts()).containsExactly(day, conversation);
		});
		assertThat(spent(day)).isEqualTo(250);
		assertThat(spent(conversation)).isEqualTo(250);
	}

	@Test
	void admitsUpToTheLimitExactlyAndRefusesPastIt() {
		SpendAccount day = account("day:2030-01-01", 1_000);
		assertThat(reserve(600, day)).isInstanceOf(SpendDecision.Reserved.class);
		assertThat(reserve(400, day)).isInstanceOf(SpendDecision.Reserved.class);
		assertThat(reserve(1, day)).isEqualTo(new SpendDecision.Refused(day, 1_000));
		assertThat(spent(day)).isEqualTo(1_000);
	}

	@Test
	void refusalNamesTheFirstAccountPastItsLimitAndTakesNothing() {
		SpendAccount day = account("day:2030-01-01", 10_000);
		SpendAccount month = account("month:2030-01", 500);
		SpendAccount conversation = account("conversation:c1", 100);
		assertThat(reserve(200, day, month, conversation)).isEqualTo(new SpendDecision.Refused(conversation, 0));
		assertThat(reserve(400, day, month)).isInstanceOf(SpendDecision.Reserved.class);
		assertThat(reserve(200, day, month, conversation)).isEqualTo(new SpendDecision.Refused(month, 400));
		assertThat(spent(day)).isEqualTo(400);
		assertThat(spent(conversation)).isZero();
	}

	@Test
	void zeroLimitIsNoLimit() {
		SpendAccount day = account("day:2030-01-01", 0);
		assertThat(reserve(Long.MAX_VALUE / 4, day)).isInstanceOf(SpendDecision.Reserved.class);
		assertThat(reserve(Long.MAX_VALUE / 4, day)).isInstanceOf(SpendDecision.Reserved.class);
	}

	@Test
	void concurrentReservationsAdmitExactlyTheLimit() {
		SpendAccount day = account("day:2030-01-01", 10_000);
		List<SpendDecision> decisions = Flux.range(0, 60)
			.flatMap((i) -> this.ledger.reserve(this.tenant, List.of(day), 500).subscribeOn(Schedulers.parallel()), 16)
			.collectList()
			.block(TIMEOUT);
		assertThat(decisions).filteredOn(SpendDecision.Reserved.class::isInstance).hasSize(20);
		assertThat(decisions).filteredOn(SpendDecision.Refused.class::isInstance).hasSize(40);
		assertThat(spent(day)).isEqualTo(10_000);
	}

	@Test
	void settlementReplacesTheReservationByWhatWasSpentAndRecordsTheModel() {
		SpendAccount day = account("day:2030-01-01", 1_000);
		SpendAccount month = account("month:2030-01", 0);
		SpendReservation first = reserved(reserve(600, day, month));
		SpendReservation second = reserved(reserve(300, day, month));
		assertThat(reserve(200, day, month)).isInstanceOf(SpendDecision.Refused.class);
		this.ledger.settle(first, "gpt-4o", new ModelSpend(150, 40, 5, 1)).block(TIMEOUT);
		this.ledger.settle(second, "gpt-4o-mini", new ModelSpend(350, 100, 20, 1)).block(TIMEOUT);
		SpendTotals totals = this.ledger.totals(this.tenant, "day:2030-01-01").block(TIMEOUT);
		assertThat(totals.spentMicros()).isEqualTo(500);
		assertThat(totals.models())
			.isEqualTo(Map.of("gpt-4o", new ModelSpend(150, 40, 5, 1), "gpt-4o-mini", new ModelSpend(350, 100, 20, 1)));
		assertThat(this.ledger.totals(this.tenant, "month:2030-01").block(TIMEOUT)).isEqualTo(totals);
		assertThat(reserve(500, day, month)).isInstanceOf(SpendDecision.Reserved.class);
	}

	@Test
	void modelTotalsAddUp() {
		SpendAccount day = account("day:2030-01-01", 0);
		for (int i = 0; i < 3; i++) {
			this.ledger.settle(reserved(reserve(100, day)), "model:with:colons", new ModelSpend(70, 10, 2, 1))
				.block(TIMEOUT);
		}
		assertThat(this.ledger.totals(this.tenant, day.name()).block(TIMEOUT))
			.isEqualTo(new SpendTotals(210, Map.of("model:with:colons", new ModelSpend(210, 30, 6, 3))));
	}

	@Test
	void releaseGivesEverythingBack() {
		SpendAccount day = account("day:2030-01-01", 1_000);
		SpendReservation reservation = reserved(reserve(1_000, day));
		assertThat(reserve(1, day)).isInstanceOf(SpendDecision.Refused.class);
		this.ledger.settle(reservation, null, null).block(TIMEOUT);
		assertThat(this.ledger.totals(this.tenant, day.name()).block(TIMEOUT)).isEqualTo(new SpendTotals(0, Map.of()));
		assertThat(reserve(1_000, day)).isInstanceOf(SpendDecision.Reserved.class);
	}

	@Test
	void expiredAccountStartsAgainFromZeroAndIsNotRevivedBySettlement() {
		SpendAccount shortLived = new SpendAccount(this.tenant, "day:2030-01-01", 1_000, now().plus(ttl()));
		SpendReservation reservation = reserved(reserve(1_000, shortLived));
		awaitExpiry(ttl());
		this.ledger.settle(reservation, "gpt-4o", new ModelSpend(900, 1, 1, 1)).block(TIMEOUT);
		assertThat(this.ledger.totals(this.tenant, shortLived.name()).block(TIMEOUT)).isEqualTo(SpendTotals.EMPTY);
		SpendAccount next = account("day:2030-01-01", 1_000);
		assertThat(reserve(1_000, next)).isInstanceOf(SpendDecision.Reserved.class);
	}

	@Test
	void tenantsAreIsolated() {
		SpendAccount day = account("day:2030-01-01", 1_000);
		reserve(1_000, day);
		String other = this.tenant + "-other";
		SpendAccount othersDay = new SpendAccount(other, "day:2030-01-01", 1_000, now().plus(LONG_TTL));
		assertThat(this.ledger.reserve(other, List.of(othersDay), 1_000).block(TIMEOUT))
			.isInstanceOf(SpendDecision.Reserved.class);
		assertThat(this.ledger.totals(other, "day:2030-01-01").block(TIMEOUT).spentMicros()).isEqualTo(1_000);
	}

	@Test
	void unknownAccountHoldsNothing() {
		assertThat(this.ledger.totals(this.tenant, "day:1999-01-01").block(TIMEOUT)).isEqualTo(SpendTotals.EMPTY);
	}

	@Test
	void rejectsAccountsOfAnotherTenantNoAccountAndNegativeAmounts() {
		SpendAccount day = account("day:2030-01-01", 1_000);
		assertThatIllegalArgumentException().isThrownBy(() -> this.ledger.reserve("someone-else", List.of(day), 1))
			.withMessageContaining("belongs to another tenant");
		assertThatIllegalArgumentException().isThrownBy(() -> this.ledger.reserve(this.tenant, List.of(), 1))
			.withMessageContaining("at least one account");
		assertThatIllegalArgumentException().isThrownBy(() -> this.ledger.reserve(this.tenant, List.of(day), -1))
			.withMessageContaining("must not be negative");
	}

	private SpendAccount account(String name, long limitMicros) {
		return new SpendAccount(this.tenant, name, limitMicros, now().plus(LONG_TTL));
	}

	private SpendDecision reserve(long micros, SpendAccount... accounts) {
		return this.ledger.reserve(this.tenant, List.of(accounts), micros).block(TIMEOUT);
	}

	private static SpendReservation reserved(SpendDecision decision) {
		assertThat(decision).isInstanceOf(SpendDecision.Reserved.class);
		return ((SpendDecision.Reserved) decision).reservation();
	}

	private long spent(SpendAccount account) {
		return this.ledger.totals(this.tenant, account.name()).block(TIMEOUT).spentMicros();
	}

}
