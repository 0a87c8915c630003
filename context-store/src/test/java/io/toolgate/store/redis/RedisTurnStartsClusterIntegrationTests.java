package io.toolgate.store.redis;

import io.toolgate.store.AbstractTurnStartsContractTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RedisTurnStartsClusterIntegrationTests extends AbstractTurnStartsContractTests {

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
	protected Backend createBackend() {
		RedisStores stores = redis.stores();
		return new Backend(stores.starts(), stores.leases(), stores.conversations(), stores.eventLog());
	}

}
