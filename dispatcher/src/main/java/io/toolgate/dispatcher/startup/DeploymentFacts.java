package io.toolgate.dispatcher.startup;

import io.toolgate.dispatcher.config.AuthConfiguration;
import io.toolgate.dispatcher.config.AuthProperties;
import io.toolgate.dispatcher.config.DeploymentProperties;
import io.toolgate.dispatcher.config.StreamTokenProperties;
import io.toolgate.dispatcher.config.UpstreamProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * What the configuration provides, as far as the deployment mode cares.
 *
 * @param deployment the mode and the replica count
 * @param upstreamBaseUrl whether {@code toolgate.upstream.base-url} is set
 * @param upstreamApiKey whether {@code toolgate.upstream.api-key} is set and not blank
 * @param apiKeys whether requests can be authenticated without a generated key: keys are
 * configured, or authentication is switched off on purpose
 * ({@code toolgate.auth.enabled=false})
 * @param redis whether Redis holds the state ({@code REDIS_URL} or
 * {@code toolgate.store.redis-url})
 * @param streamTokenKey whether a stream-token key is configured, or authentication is
 * switched off on purpose
 */
public record DeploymentFacts(DeploymentProperties deployment, boolean upstreamBaseUrl, boolean upstreamApiKey,
		boolean apiKeys, boolean redis, boolean streamTokenKey) {

	/**
	 * Reads the facts from an environment, binding the same properties records the
	 * application binds later.
	 * @param environment the application's environment, with every property source loaded
	 */
	public static DeploymentFacts of(Environment environment) {
		Binder binder = Binder.get(environment);
		DeploymentProperties deployment = binder.bindOrCreate("toolgate", DeploymentProperties.class);
		UpstreamProperties upstream = binder.bindOrCreate("toolgate.upstream", UpstreamProperties.class);
		AuthProperties auth = binder.bindOrCreate("toolgate.auth", AuthProperties.class);
		// The earlier name too: this runs on environments that DeprecatedPropertyNames
		// did not see (tests).
		boolean apiKeys = !auth.enabled() || !auth.keys().isEmpty() || StringUtils.hasText(auth.apiKeys())
				|| StringUtils.hasText(environment.getProperty(AuthConfiguration.PLAIN_KEYS_PROPERTY));
		// The same test as StoreProperties.REDIS_CONFIGURED, which selects the Redis
		// store.
		boolean redis = StringUtils.hasText(environment.getProperty("toolgate.store.redis-url"))
				|| StringUtils.hasText(environment.getProperty("REDIS_URL"));
		StreamTokenProperties streamTokens = binder.bindOrCreate("toolgate.auth.stream-tokens",
				StreamTokenProperties.class);
		return new DeploymentFacts(deployment, !upstream.isSimulated(), StringUtils.hasText(upstream.apiKey()), apiKeys,
				redis, !auth.enabled() || !streamTokens.keys().isEmpty());
	}

}
