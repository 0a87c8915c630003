package io.toolgate.store.redis;

import java.time.Duration;

import io.toolgate.store.AbstractConversationStoreContractTests;
import io.toolgate.store.ConversationStore;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.Parameter;

/** The {@link ConversationStore} contract on standalone Redis and on Redis Cluster. */
@Timeout(60)
@EachRedisTopology
class RedisConversationStoreIntegrationTests extends AbstractConversationStoreContractTests {

	@RegisterExtension
	static final RedisFixtureExtension redis = new RedisFixtureExtension();

	@Parameter
	RedisFixture.Topology topology;

	@Override
	protected Backend createBackend(Duration conversationTtl) {
		RedisFixture fixture = redis.of(this.topology);
		RedisStores stores = fixture.stores();
		return new Backend(fixture.conversations(conversationTtl), stores.leases(), stores.eventLog());
	}

	@Override
	protected void elapse(Duration duration) {
		RedisFixture.sleep(duration);
	}

}
