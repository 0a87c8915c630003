package io.toolgate.dispatcher.tool;

import java.nio.file.Files;
import java.nio.file.Path;

import io.toolgate.dispatcher.config.StoreProperties;
import io.toolgate.dispatcher.config.ToolsConfiguration;
import io.toolgate.dispatcher.config.ToolsProperties;
import io.toolgate.dispatcher.tool.registry.InvalidToolRegistryException;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.memory.InMemoryIdempotencyStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Start-up of {@link ToolsConfiguration}: the default registry, a configured file and a
 * broken one.
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
