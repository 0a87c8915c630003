package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.AbstractConversationStoreContractTests;
import io.toolgate.store.support.MutableClock;

class InMemoryConversationStoreContractTests extends AbstractConversationStoreContractTests {

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	@Override
	protected Backend createBackend(Duration conversationTtl) {
		InMemoryTurnLeases leases = new InMemoryTurnLeases(this.clock);
		InMemoryTurnEventLog eventLog = new InMemoryTurnEventLog(InMemoryTurnEventLog.Limits.ofDefaults(), this.clock);
		InMemoryConversationStore store = new InMemoryConversationStore(leases, eventLog,
				new InMemoryConversationStore.Limits(conversationTtl, 1_000), this.clock);
		return new Backend(store, leases, eventLog);
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

}
