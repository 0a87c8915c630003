package io.toolgate.dispatcher.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.error.ToolgateException;
import org.junit.jupiter.api.Test;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.web.server.context.WebServerGracefulShutdownLifecycle;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DrainCoordinatorTests {

	private final List<Object> events = new CopyOnWriteArrayList<>();

	private final AdmissionController admission = new AdmissionController(4, Duration.ofSeconds(1));

	private final DrainSignal signal = new DrainSignal(Duration.ofSeconds(1));

	private volatile boolean abandoned;

	private DrainCoordinator coordinator(Duration readinessDelay, Duration timeout) {
		return new DrainCoordinator(this.events::add, this.admission, this.signal,
				new DrainProperties(readinessDelay, timeout, Duration.ofSeconds(1)));
	}

	@Test
	void readinessGoesDownBeforeNewTurnsAreRefused() {
		DrainCoordinator coordinator = coordinator(Duration.ofSeconds(5), Duration.ofSeconds(30));
		StepVerifier.withVirtualTime(coordinator::drain).expectSubscription().then(() -> {
			assertThat(readinessStates()).containsExactly(ReadinessState.REFUSING_TRAFFIC);
			this.admission.admit().release();
		}).thenAwait(Duration.ofSeconds(5)).expectComplete().verify(Duration.ofSeconds(5));
		assertThatExceptionOfType(ToolgateException.class).isThrownBy(this.admission::admit);
	}

	@Test
	void waitsForRunningTurnsBeforeEndingStreams() {
		AdmissionController.Permit running = this.admission.admit();
		DrainCoordinator coordinator = coordinator(Duration.ZERO, Duration.ofSeconds(30));
		StepVerifier.withVirtualTime(coordinator::drain)
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(10))
			.then(() -> {
				assertThat(this.signal.streamsEnded()).isFalse();
				assertThatExceptionOfType(ToolgateException.class).isThrownBy(this.admission::admit);
				running.release();
			})
			.thenAwait(Duration.ofSeconds(1))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.signal.streamsEnded()).isTrue();
	}

	@Test
	void endsStreamsAtTimeoutWhenTurnsOutlastIt() {
		this.admission.admit();
		DrainCoordinator coordinator = new DrainCoordinator(this.events::add, this.admission, this.signal,
				new DrainProperties(Duration.ZERO, Duration.ofSeconds(20), Duration.ofSeconds(1)),
				() -> this.abandoned = true);
		StepVerifier.withVirtualTime(coordinator::drain)
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(19))
			.then(() -> assertThat(this.signal.streamsEnded()).isFalse())
			.then(() -> assertThat(this.abandoned).isFalse())
			.thenAwait(Duration.ofSeconds(1))
			.then(() -> assertThat(this.abandoned).isTrue())
			// Abandoned turns get a short grace to record their last event; this one
			// never ends.
			.thenAwait(Duration.ofSeconds(2))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.signal.streamsEnded()).isTrue();
		assertThat(this.admission.running()).isEqualTo(1);
	}

	@Test
	void stopCallsBackOnceDrained() throws InterruptedException {
		DrainCoordinator coordinator = coordinator(Duration.ZERO, Duration.ofSeconds(30));
		coordinator.start();
		assertThat(coordinator.isRunning()).isTrue();
		CountDownLatch stopped = new CountDownLatch(1);
		coordinator.stop(stopped::countDown);
		assertThat(stopped.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(coordinator.isRunning()).isFalse();
		assertThat(this.signal.streamsEnded()).isTrue();
	}

	@Test
	void stopsBeforeTheWebServerGracefulShutdown() {
		assertThat(coordinator(Duration.ZERO, Duration.ofSeconds(1)).getPhase())
			.isGreaterThan(WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE);
	}

	private List<Object> readinessStates() {
		return this.events.stream()
			.filter(AvailabilityChangeEvent.class::isInstance)
			.map(event -> ((AvailabilityChangeEvent<?>) event).getState())
			.map(Object.class::cast)
			.toList();
	}

}
