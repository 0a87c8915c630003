package io.toolgate.dispatcher.tool;

import java.nio.file.Files;
import java.nio.file.Path;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.toolgate.dispatcher.auth.ApiKeyResolver;
import io.toolgate.dispatcher.config.StoreProperties;
import io.toolgate.dispatcher.config.ToolsConfiguration;
import io.toolgate.dispatcher.config.ToolsProperties;
import io.toolgate.dispatcher.support.LogCapture;
import io.toolgate.dispatcher.tool.registry.InvalidToolRegistryException;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.memory.InMemoryIdempotencyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up of {@link ToolsConfiguration}: the default registry, a configured file, a
 * broken one, and a tool kept for a tenant no key acts for.
 */
class ToolsConfigurationTests {

	private final ApplicationContextRunner runner = new ApplicationContextRunner()
		.withUserConfiguration(ToolsConfiguration.class)
		.withBean(StoreProperties.class,
				() -> new StoreProperties(Duration.ofHours(1), 10, 10, 10, null, Duration.ofSeconds(1),
						Duration.ofHours(1)))
		.withBean(IdempotencyStore.class, InMemoryIdempotencyStore::new);

	@Test
	void startsWithTheDemoRegistryByDefault() {
		this.runner.run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ToolRegistry.class).definitions("acme")).extracting(d -> d.function().name())
				.containsExactly("clock", "calculator", "lookup", "weather", "slow_echo", "send_email");
			ToolsProperties properties = context.getBean(ToolsProperties.class);
			assertThat(properties.maxResponseSize().toMegabytes()).isEqualTo(1);
			assertThat(context).hasSingleBean(ToolDispatcher.class)
				.hasSingleBean(io.toolgate.dispatcher.web.ToolsHandler.class);
		});
	}

	@Test
	void startsWithAConfiguredRegistry(@TempDir Path dir) throws Exception {
		Path file = Files.writeString(dir.resolve("tools.yaml"), """
				tools:
				  - name: get_weather
				    description: Current weather for a city
				    input-schema: { type: object, properties: { city: { type: string } } }
				    executor: { type: http, url: http://weather-worker:8080/invoke }
				""");
		this.runner.withPropertyValues("toolgate.tools.registry=" + file).run(context -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean(ToolRegistry.class).find("get_weather")).isPresent();
		});
	}

	@Test
	void warnsOfATenantNoApiKeyActsFor(@TempDir Path dir) throws Exception {
		Path file = Files.writeString(dir.resolve("tools.yaml"),
				"""
						tools:
						  - { name: ledger, description: d, input-schema: { type: object }, executor: { type: builtin, name: calculator }, tenants: [acme, acem] }
						  - { name: open, description: d, input-schema: { type: object }, executor: { type: builtin, name: clock } }
						""");
		try (LogCapture log = LogCapture.of(ToolsConfiguration.class, Level.WARN)) {
			this.runner.withPropertyValues("toolgate.tools.registry=" + file)
				.withBean(ApiKeyResolver.class,
						() -> ApiKeyResolver.builder().plainKey("acme", "k1").plainKey("globex", "k2").build())
				.run(context -> assertThat(context).hasNotFailed());
			assertThat(log.atLeast(Level.WARN)).extracting(ILoggingEvent::getFormattedMessage)
				.containsExactly("Tool 'ledger' is kept for tenants [acem] that no API key acts for "
						+ "(tenants with keys: [acme, globex])");
		}
	}

	@Test
	void failsStartUpNamingTheToolAndTheProblem(@TempDir Path dir) throws Exception {
		Path file = Files.writeString(dir.resolve("tools.yaml"), """
				tools:
				  - name: get_weather
				    description: Current weather for a city
				    input-schema: { type: object }
				    executor: { type: http, url: http://weather-worker:8080/invoke }
				    timeout: 0s
				""");
		this.runner.withPropertyValues("toolgate.tools.registry=" + file).run(context -> {
			assertThat(context).hasFailed();
			assertThat(context.getStartupFailure()).rootCause()
				.isInstanceOf(InvalidToolRegistryException.class)
				.hasMessage("Invalid tool registry " + file + ": tool 'get_weather': timeout must be positive");
		});
	}

}
