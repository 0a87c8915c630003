package io.toolgate.dispatcher.lifecycle;

import java.time.Duration;

import io.toolgate.dispatcher.auth.WarmUpKey;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link WarmUp} holds readiness until it has ended, and its settings are checked.
 */
class WarmUpTests {

	private static final WarmUpProperties PROPERTIES = new WarmUpProperties(true, 100, Duration.ofSeconds(5), 4);

	@Test
	void reportsDownUntilItHasEnded() {
		WarmUp warmUp = new WarmUp(PROPERTIES, new WarmUpKey(), new WarmUpModels(url -> null));

		assertThat(warmUp.health().block().getStatus()).isEqualTo(Status.DOWN);
		warmUp.skip();
		assertThat(warmUp.health().block().getStatus()).isEqualTo(Status.UP);
		assertThat(warmUp.isDone()).isTrue();
	}

	@Test
	void refusesSettingsOutOfRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> new WarmUpProperties(true, -1, Duration.ofSeconds(5), 4))
			.withMessageContaining("toolgate.warm-up.requests");
		assertThatIllegalArgumentException().isThrownBy(() -> new WarmUpProperties(true, 10, Duration.ofSeconds(-1), 4))
			.withMessageContaining("toolgate.warm-up.max-duration");
		assertThatIllegalArgumentException().isThrownBy(() -> new WarmUpProperties(true, 10, Duration.ofSeconds(5), 0))
			.withMessageContaining("toolgate.warm-up.concurrency");
	}

}
