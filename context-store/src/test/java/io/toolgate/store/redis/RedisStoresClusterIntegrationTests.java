package io.toolgate.store.redis;

import java.io.IOException;
import java.util.List;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.TurnKey;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class RedisStoresClusterIntegrationTests extends AbstractRedisStoresIntegrationTests {

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
	RedisFixture redis() {
		return redis;
	}

	@Test
	void keysOfOneConversationLieInOneSlot() throws IOException {
		RedisKeys keys = new RedisKeys("tg");
		ConversationKey conversation = new ConversationKey("te:n{a}nt", "con}ver:sation");
		TurnKey turn = new TurnKey(conversation, "turn:{1}");
		List<String> all = List.of(keys.conversation(conversation), keys.messages(conversation),
				keys.lease(conversation), keys.turns(conversation), keys.turnMeta(turn), keys.turnEvents(turn));
		long slot = redis.slotOf(all.get(0));
		for (String key : all) {
			assertThat(redis.slotOf(key)).as("slot of %s", key).isEqualTo(slot);
		}
		assertThat(redis.stores().isCluster()).isTrue();
	}

}
