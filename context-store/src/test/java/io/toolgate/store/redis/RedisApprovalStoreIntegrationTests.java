package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractApprovalStoreContractTests;
import io.toolgate.store.ApprovalStore;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** The {@link ApprovalStore} contract on standalone Redis and on Redis Cluster. */
@Timeout(60)
@EachRedisTopology
class RedisApprovalStoreIntegrationTests extends AbstractApprovalStoreContractTests {

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	@Parameter
	RedisFixture.Topology topology;

	@Override
	protected ApprovalStore createStore() {
		return redis.of(this.topology).stores().approvals();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
