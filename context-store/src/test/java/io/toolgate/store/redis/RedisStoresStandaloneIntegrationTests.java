package io.toolgate.store.redis;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RedisStoresStandaloneIntegrationTests extends AbstractRedisStoresIntegrationTests {

	private static RedisFixture redis;

	@BeforeAll
	static void startRedis() {
		redis = RedisFixture.standalone();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@Override
	RedisFixture redis() {
		return redis;
	}

}
