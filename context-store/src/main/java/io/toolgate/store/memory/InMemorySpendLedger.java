package io.toolgate.store.memory;

import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.toolgate.store.ModelSpend;
import io.toolgate.store.SpendAccount;
import io.toolgate.store.SpendDecision;
import io.toolgate.store.SpendLedger;
import io.toolgate.store.SpendReservation;
import io.toolgate.store.SpendTotals;
import io.toolgate.store.StoreUnavailableException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@link SpendLedger} held in memory, for one replica. Each operation is one short step
 * under the ledger's lock (no I/O inside) and completes on the subscribing thread.
 * Accounts expire on the clock; at most {@code maxAccounts} exist, and opening one more
 * first drops the expired ones and, if none expired, errors with
 * {@link StoreUnavailableException}.
 */
public final class InMemorySpendLedger implements SpendLedger {

	private final Map<Key, Account> accounts = new HashMap<>();

	private final int maxAccounts;

	private final Clock clock;

	/**
	 * Creates an empty ledger.
	 * @param maxAccounts how many accounts may exist at once, at least 1
	 * @param clock the clock that expires accounts
	 */
	public InMemorySpendLedger(int maxAccounts, Clock clock) {
		if (maxAccounts < 1) {
			throw new IllegalArgumentException("maxAccounts must be at least 1");
		}
		this.maxAccounts = maxAccounts;
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	@Override
	public Mono<SpendDecision> reserve(String tenant, List<SpendAccount> accounts, long micros) {
		SpendLedger.checkReserve(tenant, accounts, micros);
		List<SpendAccount> copy = List.copyOf(accounts);
		return Mono.fromSupplier(() -> {
			synchronized (this.accounts) {
				Instant now = this.clock.instant();
				for (SpendAccount account : copy) {
					Account current = live(new Key(tenant, account.name()), now);
					long spent = (current != null) ? current.spent : 0;
					if (account.limitMicros() > 0 && spent + micros > account.limitMicros()) {
						return new SpendDecision.Refused(account, spent);
					}
				}
				int missing = 0;
				for (SpendAccount account : copy) {
					if (live(new Key(tenant, account.name()), now) == null) {
						missing++;
					}
				}
				if (missing > 0 && this.accounts.size() + missing > this.maxAccounts) {
					this.accounts.values().removeIf((account) -> account.isExpired(now));
					if (this.accounts.size() + missing > this.maxAccounts) {
						throw new StoreUnavailableException(
								"The in-memory spend ledger holds its limit of " + this.maxAccounts + " accounts");
					}
				}
				for (SpendAccount account : copy) {
					Key key = new Key(tenant, account.name());
					Account current = live(key, now);
					if (current == null) {
						current = new Account();
						this.accounts.put(key, current);
					}
					current.spent += micros;
					current.expiresAt = account.expiresAt();
				}
				return new SpendDecision.Reserved(new SpendReservation(tenant, copy, micros));
			}
		});
	}

	@Override
	public Mono<Void> settle(SpendReservation reservation, @Nullable String model, @Nullable ModelSpend spend) {
		return Mono.fromRunnable(() -> {
			synchronized (this.accounts) {
				Instant now = this.clock.instant();
				long delta = ((spend != null) ? spend.micros() : 0) - reservation.micros();
				for (SpendAccount account : reservation.accounts()) {
					Account current = live(new Key(reservation.tenant(), account.name()), now);
					if (current == null) {
						continue;
					}
					current.spent += delta;
					if (model != null && spend != null) {
						current.models.merge(model, spend,
								(a, b) -> new ModelSpend(a.micros() + b.micros(), a.promptTokens() + b.promptTokens(),
										a.completionTokens() + b.completionTokens(), a.calls() + b.calls()));
					}
				}
			}
		});
	}

	@Override
	public Mono<SpendTotals> totals(String tenant, String name) {
		return Mono.fromSupplier(() -> {
			synchronized (this.accounts) {
				Account current = live(new Key(tenant, name), this.clock.instant());
				return (current != null) ? new SpendTotals(current.spent, current.models) : SpendTotals.EMPTY;
			}
		});
	}

	private @Nullable Account live(Key key, Instant now) {
		Account account = this.accounts.get(key);
		if (account != null && account.isExpired(now)) {
			this.accounts.remove(key);
			return null;
		}
		return account;
	}

	private record Key(String tenant, String name) {
	}

	private static final class Account {

		private long spent;

		private Instant expiresAt = Instant.MAX;

		private final Map<String, ModelSpend> models = new HashMap<>();

		boolean isExpired(Instant now) {
			return !now.isBefore(this.expiresAt);
		}

	}

}
