package io.toolgate.dispatcher.startup;

import io.toolgate.dispatcher.config.InvalidDeploymentException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports an {@link InvalidDeploymentException} as its problem lines and an action,
 * without a stack trace (registered in {@code META-INF/spring.factories}).
 */
public class InvalidDeploymentFailureAnalyzer extends AbstractFailureAnalyzer<InvalidDeploymentException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidDeploymentException cause) {
		return new FailureAnalysis(cause.getMessage(), cause.action(), cause);
	}

}
