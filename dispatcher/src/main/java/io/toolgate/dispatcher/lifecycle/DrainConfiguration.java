package io.toolgate.dispatcher.lifecycle;

import java.time.Duration;

import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.turn.DetachedTurns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The graceful drain: the stream signal and the lifecycle that drives it. */
@Configuration(proxyBeanMethods = false)
public class DrainConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(DrainConfiguration.class);

	private static final String SHUTDOWN_PHASE_TIMEOUT = "spring.lifecycle.timeout-per-shutdown-phase";

	@Bean
	DrainSignal drainSignal(DrainProperties properties) {
		return new DrainSignal(properties.clientRetry());
	}

	@Bean
	DrainCoordinator drainCoordinator(ApplicationEventPublisher publisher, AdmissionController admission,
			DrainSignal signal, DrainProperties properties, Environment environment, DetachedTurns turns) {
		Duration phaseTimeout = environment.getProperty(SHUTDOWN_PHASE_TIMEOUT, Duration.class, Duration.ofSeconds(30));
		Duration needed = properties.readinessDelay().plus(properties.timeout());
		if (needed.compareTo(phaseTimeout) >= 0) {
			// Spring stops waiting for the drain after the phase timeout and shuts the
			// server down under it.
			logger.warn("toolgate.drain.readiness-delay + toolgate.drain.timeout ({}) should be below {} ({})", needed,
					SHUTDOWN_PHASE_TIMEOUT, phaseTimeout);
		}
		return new DrainCoordinator(publisher, admission, signal, properties, turns::abandonRunning);
	}

}
