package io.toolgate.dispatcher.config;

import java.time.Duration;
import java.util.List;

import io.micrometer.observation.ObservationRegistry;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.HttpToolExecutor;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.ToolCallAuditor;
import io.toolgate.dispatcher.tool.ToolCallGate;
import io.toolgate.dispatcher.tool.ToolDispatcher;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.builtin.BuiltinToolExecutor;
import io.toolgate.dispatcher.tool.registry.ToolRegistryLoader;
import io.toolgate.dispatcher.web.ToolsHandler;
import io.toolgate.store.IdempotencyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool subsystem: the registry (read once from {@code toolgate.tools.registry} at
 * start-up; an invalid registry stops start-up), the HTTP and built-in executors, the
 * dispatcher and the {@code /v1/tools} handler.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ToolsProperties.class)
public class ToolsConfiguration {

	private static final Logger logger = LoggerFactory.getLogger(ToolsConfiguration.class);

	@Bean
	BuiltinToolExecutor builtinToolExecutor(ObjectProvider<JsonMapper> json) {
		return BuiltinToolExecutor.withDemoTools(json.getIfAvailable(JsonMapper::shared));
	}

	@Bean(destroyMethod = "dispose")
	HttpToolExecutor httpToolExecutor(ToolsProperties properties, ObjectProvider<JsonMapper> json,
			ObjectProvider<ObservationRegistry> observations) {
		// An observed client traces each worker call and sends W3C traceparent to the
		// worker.
		WebClient.Builder builder = WebClient.builder()
			.observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
		return new HttpToolExecutor(json.getIfAvailable(JsonMapper::shared), properties.http().connectTimeout(),
				properties.http().maxConnections(), properties.maxResponseSize(), builder);
	}

	@Bean
	ToolRegistry toolRegistry(ToolsProperties properties, HttpToolExecutor http, BuiltinToolExecutor builtin,
			ObjectProvider<JsonMapper> jsonProvider, ResourceLoader resourceLoader) {
		JsonMapper json = jsonProvider.getIfAvailable(JsonMapper::shared);
		// A plain path is a file, as before; classpath: and file: locations resolve as
		// Spring resources.
		ResourceLoader locations = ApplicationResourceLoader.get(resourceLoader, true);
		// Blocking file read, once, while the context starts: no event loop is running
		// yet.
		List<ToolSpec> specs = new ToolRegistryLoader(json, builtin.names(), locations).load(properties.registry());
		ToolRegistry registry = ToolRegistry.of(specs,
				executor -> (executor instanceof ExecutorSpec.Http) ? http : builtin, properties.bulkheadMaxWaiting(),
				json);
		logger.info("Loaded {} tools from {}: {}", specs.size(),
				(properties.registry() != null) ? properties.registry() : ToolRegistryLoader.DEFAULT_REGISTRY,
				specs.stream().map(ToolSpec::name).toList());
		return registry;
	}

	@Bean
	ToolDispatcher toolDispatcher(ToolRegistry registry, ToolsProperties properties,
			ObjectProvider<ToolgateMetrics> metrics, ObjectProvider<ToolCallGate> gates,
			ObjectProvider<ToolCallAuditor> auditors) {
		ToolCallGate gate = gates.getIfAvailable(() -> ToolCallGate.OPEN);
		return new ToolDispatcher(registry, properties.bulkheadMaxWait(),
				metrics.getIfAvailable(ToolgateMetrics::noop).tools(), gate,
				auditors.getIfAvailable(() -> ToolCallAuditor.NONE));
	}

	@Bean
	IdempotentDispatch idempotentDispatch(ToolDispatcher dispatcher, IdempotencyStore store,
			StoreProperties storeProperties, ObjectProvider<JsonMapper> json) {
		return new IdempotentDispatch(dispatcher, store, storeProperties.idempotencyTtl(), Duration.ofSeconds(30),
				json.getIfAvailable(JsonMapper::shared));
	}

	@Bean
	ToolsHandler toolsHandler(ToolRegistry registry, IdempotentDispatch dispatcher) {
		return new ToolsHandler(registry, dispatcher);
	}

}
