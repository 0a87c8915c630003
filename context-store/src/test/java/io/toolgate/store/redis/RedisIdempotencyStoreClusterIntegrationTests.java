package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractIdempotencyStoreContractTests;
import io.toolgate.store.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RedisIdempotencyStoreClusterIntegrationTests extends AbstractIdempotencyStoreContractTests {

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
	protected IdempotencyStore createStore() {
		return redis.stores().idempotency();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
