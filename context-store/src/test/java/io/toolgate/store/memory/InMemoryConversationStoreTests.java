package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.support.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class InMemoryConversationStoreTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	private final InMemoryConversationStore store = new InMemoryConversationStore(new InMemoryTurnLeases(this.clock),
			new InMemoryTurnEventLog(InMemoryTurnEventLog.Limits.ofDefaults(), this.clock),
			new InMemoryConversationStore.Limits(Duration.ofMinutes(1), 2), this.clock);

	@Test
	void fullStoreRefusesNewConversationButKeepsWritingExistingOnes() {
		create("a");
		create("b");
		StepVerifier.create(this.store.append(key("c"), 0, List.of("m"), null))
			.expectError(StoreUnavailableException.class)
			.verify(TIMEOUT);
		assertThat(this.store.append(key("a"), 1, List.of("m2"), null).block(TIMEOUT).version()).isEqualTo(2);
	}

	@Test
	void fullStoreDropsExpiredConversationsToMakeRoom() {
		create("a");
		this.clock.advance(Duration.ofSeconds(30));
		create("b");
		this.clock.advance(Duration.ofSeconds(31));
		create("c");
		StepVerifier.create(this.store.find(key("a"))).expectComplete().verify(TIMEOUT);
		StepVerifier.create(this.store.find(key("b"))).expectNextCount(1).expectComplete().verify(TIMEOUT);
	}

	@Test
	void evictExpiredCountsDroppedConversations() {
		create("a");
		create("b");
		this.clock.advance(Duration.ofMinutes(2));
		assertThat(this.store.evictExpired()).isEqualTo(2);
		assertThat(this.store.evictExpired()).isZero();
	}

	private void create(String id) {
		this.store.append(key(id), 0, List.of("m"), null).block(TIMEOUT);
	}

	private static ConversationKey key(String id) {
		return new ConversationKey("tenant", id);
	}

}
