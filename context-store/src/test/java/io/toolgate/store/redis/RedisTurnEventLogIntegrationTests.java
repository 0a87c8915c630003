package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractTurnEventLogContractTests;
import io.toolgate.store.TurnEventLog;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** The {@link TurnEventLog} contract on standalone Redis and on Redis Cluster. */
@Timeout(60)
@EachRedisTopology
class RedisTurnEventLogIntegrationTests extends AbstractTurnEventLogContractTests {

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	@Parameter
	RedisFixture.Topology topology;

	@Override
	protected TurnEventLog createEventLog() {
		return redis.of(this.topology).stores().eventLog();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
