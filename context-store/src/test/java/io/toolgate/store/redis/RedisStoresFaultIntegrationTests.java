package io.toolgate.store.redis;

import java.time.Duration;
import java.util.List;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.support.RedisServerProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A hung or restarted Redis: clear errors within the command timeout, and recovery
 * without a new client.
 */
@Timeout(60)
class RedisStoresFaultIntegrationTests {

	private static final Duration COMMAND_TIMEOUT = Duration.ofMillis(500);

	private static final Duration BOUND = Duration.ofSeconds(10);

	private RedisServerProcess server;

	private RedisStores stores;

	@BeforeEach
	void start() {
		this.server = RedisServerProcess.start();
		this.stores = RedisStores.connect(this.server.uri(), RedisFixture.SETTINGS.withCommandTimeout(COMMAND_TIMEOUT));
	}

	@AfterEach
	void stop() {
		this.stores.close();
		this.server.close();
	}

	@Test
	void pausedRedisGivesStoreUnavailableAndSameClientRecoversAfterResume() {
		ConversationKey conversation = RedisStoresIntegrationTests.newConversation();
		this.stores.conversations().append(conversation, 0, List.of("m1"), null).block(BOUND);
		this.server.pause();
		try {
			StepVerifier.create(this.stores.conversations().find(conversation))
				.expectError(StoreUnavailableException.class)
				.verify(BOUND);
			StepVerifier.create(this.stores.leases().acquire(conversation, "turn-1", Duration.ofMinutes(1)))
				.expectError(StoreUnavailableException.class)
				.verify(BOUND);
			assertThat(this.stores.ping().block(BOUND)).isFalse();
		}
		finally {
			this.server.resume();
		}
		assertThat(awaitPing()).isTrue();
		assertThat(this.stores.conversations().append(conversation, 1, List.of("m2"), null).block(BOUND).messages())
			.containsExactly("m1", "m2");
	}

	@Test
	void stoppedRedisFailsFastAndRestartedRedisIsUsedWithoutNewClient() {
		ConversationKey conversation = RedisStoresIntegrationTests.newConversation();
		this.stores.conversations().append(conversation, 0, List.of("m1"), null).block(BOUND);
		this.server.stop();
		StepVerifier.create(this.stores.conversations().append(conversation, 1, List.of("m2"), null))
			.expectError(StoreUnavailableException.class)
			.verify(BOUND);
		this.server.restart();
		assertThat(awaitPing()).isTrue();
		// The restarted server lost its data and its scripts: a write creates the
		// conversation anew.
		assertThat(this.stores.conversations().append(conversation, 0, List.of("again"), null).block(BOUND).version())
			.isEqualTo(1);
	}

	/** Polls readiness on the test thread until Redis answers or the bound passes. */
	private boolean awaitPing() {
		long deadline = System.nanoTime() + BOUND.toNanos();
		while (System.nanoTime() < deadline) {
			if (Boolean.TRUE.equals(this.stores.ping().block(BOUND))) {
				return true;
			}
			RedisFixture.sleep(Duration.ofMillis(100));
		}
		return false;
	}

}
