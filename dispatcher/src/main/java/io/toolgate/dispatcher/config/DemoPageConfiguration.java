package io.toolgate.dispatcher.config;

import io.toolgate.dispatcher.web.DemoPageHandler;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The demo chat page at {@code /}: on in demo mode, off in production mode,
 * {@code toolgate.http.demo-page} decides either way.
 */
@Configuration(proxyBeanMethods = false)
@Conditional(DemoPageConfiguration.Enabled.class)
public class DemoPageConfiguration {

	@Bean
	DemoPageHandler demoPageHandler() {
		return new DemoPageHandler();
	}

	@Bean
	RouterFunction<ServerResponse> demoPageRoutes(DemoPageHandler page) {
		return RouterFunctions.route().GET("/", page::index).GET("/chat/{file}", page::file).build();
	}

	/**
	 * Matches when {@link HttpProperties#demoPageEnabled} says so for the configured
	 * mode.
	 */
	static class Enabled extends SpringBootCondition {

		@Override
		public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
			Binder binder = Binder.get(context.getEnvironment());
			HttpProperties http = binder.bindOrCreate("toolgate.http", HttpProperties.class);
			DeploymentProperties deployment = binder.bindOrCreate("toolgate", DeploymentProperties.class);
			boolean enabled = http.demoPageEnabled(deployment.isProduction());
			return new ConditionOutcome(enabled,
					"demo page " + (enabled ? "on" : "off") + " in " + deployment.mode() + " mode");
		}

	}

}
