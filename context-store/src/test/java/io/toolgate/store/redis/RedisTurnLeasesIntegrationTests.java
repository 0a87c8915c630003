package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractTurnLeasesContractTests;
import io.toolgate.store.TurnLeases;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** The {@link TurnLeases} contract on standalone Redis and on Redis Cluster. */
@Timeout(60)
@EachRedisTopology
class RedisTurnLeasesIntegrationTests extends AbstractTurnLeasesContractTests {

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	@Parameter
	RedisFixture.Topology topology;

	@Override
	protected TurnLeases createLeases() {
		return redis.of(this.topology).stores().leases();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
