package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.AbstractIdempotencyStoreContractTests;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.support.MutableClock;

class InMemoryIdempotencyStoreContractTests extends AbstractIdempotencyStoreContractTests {

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	@Override
	protected IdempotencyStore createStore() {
		return new InMemoryIdempotencyStore(1_000, this.clock);
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

}
