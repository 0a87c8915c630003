package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.AbstractSpendLedgerContractTests;
import io.toolgate.store.SpendLedger;
import io.toolgate.store.support.MutableClock;

class InMemorySpendLedgerContractTests extends AbstractSpendLedgerContractTests {

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	@Override
	protected SpendLedger createLedger() {
		return new InMemorySpendLedger(1_000, this.clock);
	}

	@Override
	protected Instant now() {
		return this.clock.instant();
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

}
