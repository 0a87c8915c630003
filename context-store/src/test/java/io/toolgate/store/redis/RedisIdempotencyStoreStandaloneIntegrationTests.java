package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractIdempotencyStoreContractTests;
import io.toolgate.store.IdempotencyStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RedisIdempotencyStoreStandaloneIntegrationTests extends AbstractIdempotencyStoreContractTests {

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
	protected IdempotencyStore createStore() {
		return redis.stores().idempotency();
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
