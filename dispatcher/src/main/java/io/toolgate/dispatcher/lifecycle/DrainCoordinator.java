package io.toolgate.dispatcher.lifecycle;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.toolgate.dispatcher.admission.AdmissionController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Drains this replica when the application context closes (on SIGTERM): readiness goes
 * down, then, after the readiness delay, new turns are refused with 503; running turns
 * (native and chat-completions) get up to the drain timeout to finish; then every open
 * event stream is asked to end with a {@code retry:} hint. Only then does the web
 * server's graceful shutdown, a later lifecycle phase, wait for the remaining requests.
 *
 * <p>
 * It stops in the highest lifecycle phase, before the web server's graceful shutdown
 * ({@code WebServerGracefulShutdownLifecycle.SMART_LIFECYCLE_PHASE}), and asynchronously:
 * Spring waits for it at most {@code spring.lifecycle.timeout-per-shutdown-phase}, which
 * must therefore exceed the readiness delay plus the drain timeout.
 */
public class DrainCoordinator implements SmartLifecycle {

	private static final Logger logger = LoggerFactory.getLogger(DrainCoordinator.class);

	private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

	/**
	 * How long abandoned turns get to write their terminal event before the drain ends.
	 */
	private static final Duration ABANDON_GRACE = Duration.ofSeconds(2);

	private final ApplicationEventPublisher publisher;

	private final AdmissionController admission;

	private final DrainSignal signal;

	private final DrainProperties properties;

	private final AtomicBoolean running = new AtomicBoolean();

	private final Runnable abandonTurns;

	/**
	 * Creates the coordinator.
	 * @param publisher publishes the readiness change
	 * @param admission refuses new turns and counts running ones
	 * @param signal ends open event streams
	 * @param properties delays and timeout
	 */
	public DrainCoordinator(ApplicationEventPublisher publisher, AdmissionController admission, DrainSignal signal,
			DrainProperties properties) {
		this(publisher, admission, signal, properties, () -> {
		});
	}

	/**
	 * Creates the coordinator.
	 * @param publisher publishes the readiness change
	 * @param admission refuses new turns and counts running ones
	 * @param signal ends open event streams
	 * @param properties delays and timeout
	 * @param abandonTurns stops the turns still running at the timeout, each with a
	 * terminal event of its own or left for another replica to take over
	 */
	public DrainCoordinator(ApplicationEventPublisher publisher, AdmissionController admission, DrainSignal signal,
			DrainProperties properties, Runnable abandonTurns) {
		this.abandonTurns = abandonTurns;
		this.publisher = publisher;
		this.admission = admission;
		this.signal = signal;
		this.properties = properties;
	}

	@Override
	public void start() {
		this.running.set(true);
	}

	@Override
	public void stop() {
		stop(() -> {
		});
	}

	@Override
	public void stop(Runnable callback) {
		if (!this.running.compareAndSet(true, false)) {
			callback.run();
			return;
		}
		drain().doFinally(signalType -> callback.run()).subscribe();
	}

	@Override
	public boolean isRunning() {
		return this.running.get();
	}

	@Override
	public int getPhase() {
		return SmartLifecycle.DEFAULT_PHASE;
	}

	/**
	 * The drain, lazily: readiness down, the readiness delay, refuse new turns, wait for
	 * running turns up to the timeout, end open streams. Never errors.
	 */
	Mono<Void> drain() {
		return Mono.fromRunnable(this::refuseTraffic)
			.then(readinessDelay())
			.then(Mono.fromRunnable(this::stopAdmitting))
			.then(awaitRunningTurns())
			.then(Mono.fromRunnable(this::endStreams));
	}

	private void refuseTraffic() {
		logger.info("Draining: readiness is down; new turns are refused in {}, running turns get up to {}",
				this.properties.readinessDelay(), this.properties.timeout());
		AvailabilityChangeEvent.publish(this.publisher, this, ReadinessState.REFUSING_TRAFFIC);
	}

	private Mono<Void> readinessDelay() {
		Duration delay = this.properties.readinessDelay();
		return delay.isZero() ? Mono.empty() : Mono.delay(delay).then();
	}

	private void stopAdmitting() {
		this.admission.startDraining();
	}

	private Mono<Void> awaitRunningTurns() {
		return Flux.interval(Duration.ZERO, POLL_INTERVAL)
			.onBackpressureDrop()
			.filter(tick -> this.admission.running() == 0)
			.next()
			.then()
			.timeout(this.properties.timeout())
			.onErrorResume(TimeoutException.class, ex -> {
				logger.warn(
						"Drain timeout: {} turns still running after {}; they end now as turn_abandoned, unless "
								+ "another replica takes them over",
						this.admission.running(), this.properties.timeout());
				this.abandonTurns.run();
				return awaitAbandoned();
			});
	}

	/**
	 * Gives abandoned turns a moment to record their last event and free their leases.
	 */
	private Mono<Void> awaitAbandoned() {
		return Flux.interval(Duration.ZERO, POLL_INTERVAL)
			.onBackpressureDrop()
			.filter(tick -> this.admission.running() == 0)
			.next()
			.then()
			.timeout(ABANDON_GRACE, Mono.empty());
	}

	private void endStreams() {
		this.signal.endStreams();
		logger.info("Drain complete: open event streams were told to reconnect elsewhere");
	}

}
