package io.toolgate.streaming.upstream;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@link ModelClient} contract for {@link SimulatedModelClient}, which also covers
 * what {@code SimulatedModelClientTests} checked of {@code complete}: the unstreamed
 * message equals the streamed one.
 */
class SimulatedModelClientContractTests extends AbstractModelClientContractTests {

	private final SimulatedModelClient client = new SimulatedModelClient(
			SimulatedModelSettings.instant().withDelays(Duration.ZERO, Duration.ofSeconds(30)));

	@Override
	protected ModelClient answeringText() {
		return new SimulatedModelClient(SimulatedModelSettings.instant());
	}

	@Override
	protected ModelClient callingTools() {
		return new SimulatedModelClient(SimulatedModelSettings.instant());
	}

	@Override
	protected ModelClient failing() {
		return new SimulatedModelClient(SimulatedModelSettings.instant().withFailureRates(1, 0));
	}

	@Override
	protected ModelClient streamingSlowly() {
		return this.client;
	}

	@Test
	void namesItselfSimulated() {
		assertThat(answeringText().providerName()).isEqualTo("simulated");
	}

	/**
	 * The simulated model holds no connection: what a cancelled call leaves behind is at
	 * most its pacing timer, so the check is that the same client answers the next call
	 * at once rather than after the 30 s the cancelled one still had to wait.
	 */
	@Override
	protected void assertCallCancelled() {
		StepVerifier.create(this.client.stream(TEXT_REQUEST).next())
			.expectNextMatches(ModelEvent.Token.class::isInstance)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

}
