package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.AbstractApprovalStoreContractTests;
import io.toolgate.store.ApprovalStore;
import io.toolgate.store.support.MutableClock;

class InMemoryApprovalStoreContractTests extends AbstractApprovalStoreContractTests {

	private final MutableClock clock = MutableClock.at(Instant.now());

	@Override
	protected ApprovalStore createStore() {
		return new InMemoryApprovalStore(1_000, this.clock);
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

}
