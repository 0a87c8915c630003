package io.toolgate.dispatcher.lifecycle;

import io.toolgate.dispatcher.auth.WarmUpKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.server.context.WebServerInitializedEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * The start-up warm-up: started once the API's server listens, and part of the readiness
 * group ({@code warmUp}) until it ends.
 */
@Configuration(proxyBeanMethods = false)
public class WarmUpConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(WarmUpConfiguration.class);

	/**
	 * The warm-up, which is also the readiness check that waits for it. With no warm-up's
	 * model (warm-up disabled, or the simulated model) it has nothing to do and reports
	 * UP from the start.
	 */
	@Bean
	WarmUp warmUp(WarmUpProperties properties, WarmUpKey key, ObjectProvider<WarmUpModels> models) {
		WarmUpModels warmUpModels = models.getIfAvailable();
		WarmUp warmUp = new WarmUp(properties, key, warmUpModels);
		if (warmUpModels == null || properties.requests() == 0 || properties.maxDuration().isZero()) {
			warmUp.skip();
		}
		return warmUp;
	}

	@Bean
	ApplicationListener<WebServerInitializedEvent> warmUpStart(WarmUp warmUp, Environment environment) {
		return event -> {
			if (event.getApplicationContext().getServerNamespace() != null || warmUp.isDone()) {
				// The management server's, or nothing to warm up.
				return;
			}
			if (environment.getProperty("server.ssl.enabled", Boolean.class, false)
					|| environment.getProperty("server.ssl.bundle") != null) {
				logger.info("No warm-up: the API's port serves TLS, which the warm-up's loopback client does not "
						+ "speak");
				warmUp.skip();
				return;
			}
			warmUp.start(event.getWebServer().getPort());
		};
	}

}
