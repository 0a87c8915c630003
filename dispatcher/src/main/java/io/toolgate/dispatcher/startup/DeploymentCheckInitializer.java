package io.toolgate.dispatcher.startup;

import java.util.List;

import io.toolgate.dispatcher.config.InvalidDeploymentException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Runs {@link DeploymentCheck} once the environment is loaded and before any bean is
 * created (registered in {@code META-INF/spring.factories}). In production mode any
 * problem stops start-up with {@link InvalidDeploymentException}; in demo mode the
 * problems demo defaults cannot cover are logged at WARN.
 */
public class DeploymentCheckInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final Logger logger = LoggerFactory.getLogger(DeploymentCheckInitializer.class);

	static final String PRODUCTION_PREFIX = "toolgate.mode=production: ";

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		DeploymentFacts facts = DeploymentFacts.of(context.getEnvironment());
		List<DeploymentProblem> problems = DeploymentCheck.problems(facts);
		if (facts.deployment().isProduction()) {
			if (!problems.isEmpty()) {
				throw new InvalidDeploymentException(
						problems.stream().map(problem -> PRODUCTION_PREFIX + problem.message()).toList(),
						"Set what is named above, or run in demo mode (TOOLGATE_MODE=demo), which fills it in with "
								+ "demo defaults.");
			}
			logger.info("Production mode: upstream, API keys and state checked for {} replica(s)",
					facts.deployment().replicas());
			return;
		}
		problems.stream()
			.filter(DeploymentProblem::warnInDemo)
			.forEach(problem -> logger.warn("{}", problem.message()));
	}

}
