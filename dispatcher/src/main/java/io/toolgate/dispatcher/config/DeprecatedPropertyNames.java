package io.toolgate.dispatcher.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.BindResult;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Keeps the earlier names of moved properties working: a value set under an earlier name
 * (in any property source, with relaxed binding, so environment variables such as
 * {@code TOOLGATE_TURN_MAX_CONCURRENT_TURNS} too) is carried over to the new name, in a
 * property source of the lowest precedence, unless the new name is set as well.
 * <p>
 * The names {@code toolgate.turn.max-concurrent-turns}, {@code toolgate.turn.retry-after}
 * and {@code toolgate.turn.heartbeat-interval} are deprecated for one release: each one
 * set is logged at WARN at start-up, and their IDE metadata names the replacement.
 * {@code toolgate.api-keys} (the documented {@code TOOLGATE_API_KEYS} variable) is an
 * alias of {@code toolgate.auth.api-keys} and is carried over without a warning.
 */
public class DeprecatedPropertyNames implements EnvironmentPostProcessor, Ordered {

	/** The earlier name of {@code toolgate.auth.api-keys}. */
	public static final String API_KEYS = "toolgate.api-keys";

	/** The name of the property source holding the carried-over values. */
	public static final String SOURCE_NAME = "toolgateDeprecatedPropertyNames";

	/** Deprecated names and their replacements. */
	static final Map<String, String> DEPRECATED = Map.of("toolgate.turn.max-concurrent-turns",
			"toolgate.admission.max-concurrent-turns", "toolgate.turn.retry-after", "toolgate.admission.retry-after",
			"toolgate.turn.heartbeat-interval", "toolgate.sse.heartbeat-interval");

	/** Earlier names that stay supported, and their replacements. */
	static final Map<String, String> ALIASES = Map.of(API_KEYS, "toolgate.auth.api-keys");

	private final Log logger;

	/**
	 * Creates the post-processor; Spring Boot calls this with its deferred logs, which
	 * are written once logging is set up.
	 * @param logs the deferred log factory
	 */
	public DeprecatedPropertyNames(DeferredLogFactory logs) {
		this.logger = logs.getLog(DeprecatedPropertyNames.class);
	}

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Binder binder = Binder.get(environment);
		Map<String, Object> carried = new LinkedHashMap<>();
		ALIASES.forEach((earlier, replacement) -> carryOver(binder, earlier, replacement, false, carried));
		DEPRECATED.forEach((earlier, replacement) -> carryOver(binder, earlier, replacement, true, carried));
		if (!carried.isEmpty()) {
			environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, carried));
		}
	}

	private void carryOver(Binder binder, String earlier, String replacement, boolean deprecated,
			Map<String, Object> carried) {
		BindResult<String> value = binder.bind(earlier, String.class);
		if (!value.isBound()) {
			return;
		}
		if (binder.bind(replacement, String.class).isBound()) {
			this.logger.warn(earlier + " is ignored: " + replacement + " is set too"
					+ (deprecated ? "; remove " + earlier + ", it is deprecated" : ""));
			return;
		}
		if (deprecated) {
			this.logger.warn(earlier + " is deprecated and will be removed in the next release; use " + replacement);
		}
		carried.put(replacement, value.get());
	}

	@Override
	public int getOrder() {
		// After the config data (application.yaml, profiles) is loaded, so earlier names
		// set there are seen.
		return Ordered.LOWEST_PRECEDENCE;
	}

}
