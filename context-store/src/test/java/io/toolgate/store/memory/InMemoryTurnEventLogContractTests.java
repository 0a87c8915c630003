package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.AbstractTurnEventLogContractTests;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.support.MutableClock;

class InMemoryTurnEventLogContractTests extends AbstractTurnEventLogContractTests {

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	@Override
	protected TurnEventLog createEventLog() {
		return new InMemoryTurnEventLog(InMemoryTurnEventLog.Limits.ofDefaults(), this.clock);
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

}
