package io.toolgate.store.redis;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.AbstractSpendLedgerContractTests;
import io.toolgate.store.SpendLedger;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** The {@link SpendLedger} contract on standalone Redis and on Redis Cluster. */
@Timeout(60)
@EachRedisTopology
class RedisSpendLedgerIntegrationTests extends AbstractSpendLedgerContractTests {

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	@Parameter
	RedisFixture.Topology topology;

	@Override
	protected SpendLedger createLedger() {
		return redis.of(this.topology).stores().spendLedger();
	}

	@Override
	protected Instant now() {
		return Instant.now();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
