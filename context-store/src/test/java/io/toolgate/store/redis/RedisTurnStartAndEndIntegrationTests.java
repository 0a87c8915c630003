package io.toolgate.store.redis;

import io.toolgate.store.AbstractTurnStartAndEndContractTests;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnStarts;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/**
 * The {@link TurnStarts} and {@link TurnEnds} contract on standalone Redis and on Redis
 * Cluster.
 */
@Timeout(60)
@EachRedisTopology
class RedisTurnStartAndEndIntegrationTests extends AbstractTurnStartAndEndContractTests {

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	@Parameter
	RedisFixture.Topology topology;

	@Override
	protected Backend createBackend() {
		RedisStores stores = redis.of(this.topology).stores();
		return new Backend(stores.starts(), stores.ends(), stores.leases(), stores.conversations(), stores.eventLog());
	}

}
