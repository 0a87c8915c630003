package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractIdempotencyStoreContractTests;
import io.toolgate.store.IdempotencyStore;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** The {@link IdempotencyStore} contract on standalone Redis and on Redis Cluster. */
@Timeout(60)
@EachRedisTopology
class RedisIdempotencyStoreIntegrationTests extends AbstractIdempotencyStoreContractTests {

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	@Parameter
	RedisFixture.Topology topology;

	@Override
	protected IdempotencyStore createStore() {
		return redis.of(this.topology).stores().idempotency();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
