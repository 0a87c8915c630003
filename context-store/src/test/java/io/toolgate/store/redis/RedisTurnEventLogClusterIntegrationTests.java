package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractTurnEventLogContractTests;
import io.toolgate.store.TurnEventLog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RedisTurnEventLogClusterIntegrationTests extends AbstractTurnEventLogContractTests {

	private static RedisFixture redis;

	@BeforeAll
	static void startRedis() {
		redis = RedisFixture.cluster();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Override
	protected TurnEventLog createEventLog() {
		return redis.stores().eventLog();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
