package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.AbstractAuditLogContractTests;
import io.toolgate.store.AuditLog;
import io.toolgate.store.support.MutableClock;

class InMemoryAuditLogContractTests extends AbstractAuditLogContractTests {

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	@Override
	protected AuditLog createLog(int maxRecordsPerTenant) {
		return new InMemoryAuditLog(maxRecordsPerTenant, this.clock);
	}

	@Override
	protected void elapse(Duration duration) {
		this.clock.advance(duration);
	}

}
