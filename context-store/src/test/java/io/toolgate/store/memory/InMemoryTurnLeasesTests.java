package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.support.MutableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class InMemoryTurnLeasesTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final MutableClock clock = MutableClock.at(Instant.parse("2030-01-01T00:00:00Z"));

	private final InMemoryTurnLeases leases = new InMemoryTurnLeases(this.clock);

	@Test
	void evictExpiredDropsOnlyExpiredLeases() {
		this.leases.acquire(new ConversationKey("t", "a"), "turn", Duration.ofSeconds(1)).block(TIMEOUT);
		this.leases.acquire(new ConversationKey("t", "b"), "turn", Duration.ofMinutes(1)).block(TIMEOUT);
		this.clock.advance(Duration.ofSeconds(2));
		assertThat(this.leases.evictExpired()).isEqualTo(1);
	}

	@Test
	void nonPositiveTtlIsRejected() {
		ConversationKey key = new ConversationKey("t", "a");
		assertThatIllegalArgumentException().isThrownBy(() -> this.leases.acquire(key, "turn", Duration.ZERO));
	}

	@Test
	void fencesOfSeparateInstancesDiffer() {
		ConversationKey key = new ConversationKey("t", "a");
		String first = this.leases.acquire(key, "turn", Duration.ofMinutes(1)).block(TIMEOUT).fence();
		String second = new InMemoryTurnLeases(this.clock).acquire(key, "turn", Duration.ofMinutes(1))
			.block(TIMEOUT)
			.fence();
		assertThat(first).isNotEqualTo(second);
	}

}
