package io.toolgate.store.redis;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** {@link RedisStoreSettings}: validation and the {@code with*} copies. */
class RedisStoreSettingsTests {

	@Test
	void settingsRejectInvalidValues() {
		RedisStoreSettings defaults = RedisStoreSettings.ofDefaults();
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withCommandTimeout(Duration.ZERO));
		assertThatIllegalArgumentException().isThrownBy(() -> defaults.withConversationTtl(Duration.ofSeconds(-1)));
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisStoreSettings(Duration.ofSeconds(1),
				Duration.ofHours(1), 1, Duration.ofSeconds(1), "tg"));
		assertThatIllegalArgumentException().isThrownBy(() -> new RedisStoreSettings(Duration.ofSeconds(1),
				Duration.ofHours(1), 10, Duration.ofSeconds(1), "bad prefix"));
	}

	@Test
	void copiesWithAnotherBoundOnEventsPerTurn() {
		RedisStoreSettings settings = RedisStoreSettings.ofDefaults().withMaxEventsPerTurn(3);
		assertThat(settings.maxEventsPerTurn()).isEqualTo(3);
		assertThat(settings).usingRecursiveComparison()
			.ignoringFields("maxEventsPerTurn")
			.isEqualTo(RedisStoreSettings.ofDefaults());
		assertThatIllegalArgumentException().isThrownBy(() -> settings.withMaxEventsPerTurn(1));
	}

}
