package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.AbstractTurnStartAndEndContractTests;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnStarts;
import io.toolgate.store.support.MutableClock;

class InMemoryTurnStartAndEndContractTests extends AbstractTurnStartAndEndContractTests {

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	@Override
	protected Backend createBackend() {
		InMemoryTurnLeases leases = new InMemoryTurnLeases(this.clock);
		InMemoryTurnEventLog eventLog = new InMemoryTurnEventLog(InMemoryTurnEventLog.Limits.ofDefaults(), this.clock);
		InMemoryConversationStore store = new InMemoryConversationStore(leases, eventLog,
				new InMemoryConversationStore.Limits(Duration.ofHours(1), 1_000), this.clock);
		return new Backend(TurnStarts.sequential(leases, store, eventLog), TurnEnds.sequential(store, eventLog, leases),
				leases, store, eventLog);
	}

}
