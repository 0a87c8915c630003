package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractAuditLogContractTests;
import io.toolgate.store.AuditLog;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** The {@link AuditLog} contract on standalone Redis and on Redis Cluster. */
@Timeout(60)
@EachRedisTopology
class RedisAuditLogIntegrationTests extends AbstractAuditLogContractTests {

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	@Parameter
	RedisFixture.Topology topology;

	@Override
	protected AuditLog createLog(int maxRecordsPerTenant) {
		return redis.of(this.topology).stores().auditLog(maxRecordsPerTenant);
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

	/**
	 * {@code XADD MAXLEN ~} trims whole stream nodes, of up to 100 records by Redis's
	 * default {@code stream-node-max-entries}.
	 */
	@Override
	protected int capSlack() {
		return 100;
	}

}
