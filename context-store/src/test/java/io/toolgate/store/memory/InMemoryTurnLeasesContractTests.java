package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.AbstractTurnLeasesContractTests;
import io.toolgate.store.TurnLeases;
import io.toolgate.store.support.MutableClock;

class InMemoryTurnLeasesContractTests extends AbstractTurnLeasesContractTests {

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	@Override
	protected TurnLeases createLeases() {
		return new InMemoryTurnLeases(this.clock);
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

}
