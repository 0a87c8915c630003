package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractTurnLeasesContractTests;
import io.toolgate.store.TurnLeases;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RedisTurnLeasesClusterIntegrationTests extends AbstractTurnLeasesContractTests {

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
	protected TurnLeases createLeases() {
		return redis.stores().leases();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
