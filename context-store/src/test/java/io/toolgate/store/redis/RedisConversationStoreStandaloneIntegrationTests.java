package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractConversationStoreContractTests;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class RedisConversationStoreStandaloneIntegrationTests extends AbstractConversationStoreContractTests {

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
	protected Backend createBackend(Duration conversationTtl) {
		RedisStores stores = redis.stores();
		return new Backend(redis.conversations(conversationTtl), stores.leases(), stores.eventLog());
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
