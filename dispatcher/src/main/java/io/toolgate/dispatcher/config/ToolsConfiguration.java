package io.toolgate.dispatcher.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.toolgate.dispatcher.auth.ApiKeyResolver;
import io.toolgate.dispatcher.health.McpServersHealthIndicator;
import io.toolgate.dispatcher.metrics.McpOperationMetrics;
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
import io.toolgate.dispatcher.tool.mcp.McpEndpoint;
import io.toolgate.dispatcher.tool.mcp.McpOperationObserver;
import io.toolgate.dispatcher.tool.mcp.McpServers;
import io.toolgate.dispatcher.tool.mcp.McpSettings;
import io.toolgate.dispatcher.tool.registry.LoadedRegistry;
import io.toolgate.dispatcher.tool.registry.ToolRegistryLoader;
import io.toolgate.dispatcher.web.ToolsHandler;
import io.toolgate.store.AuditedCompletions;
import io.toolgate.store.IdempotencyStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.context.annotation.Bean;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import tools.jackson.databind.json.JsonMapper;

/**
 * The tool subsystem: the registry (read once from {@code toolgate.tools.registry} at
 * start-up; an invalid registry stops start-up), the HTTP, built-in and MCP executors
 * (MCP servers' tools join the registry as they are discovered), the dispatcher and the
 * {@code /v1/tools} handler.
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
	LoadedRegistry loadedRegistry(ToolsProperties properties, BuiltinToolExecutor builtin,
			ObjectProvider<JsonMapper> jsonProvider, ResourceLoader resourceLoader,
			ObjectProvider<ApiKeyResolver> keys) {
		JsonMapper json = jsonProvider.getIfAvailable(JsonMapper::shared);
		// A plain path is a file, as before; classpath: and file: locations resolve as
		// Spring resources.
		ResourceLoader locations = ApplicationResourceLoader.get(resourceLoader, true);
		// Blocking file read, once, while the context starts: no event loop is running
		// yet.
		LoadedRegistry loaded = new ToolRegistryLoader(json, builtin.names(), locations).loadAll(properties.registry());
		keys.ifAvailable((resolver) -> warnOfTenantsWithoutKeys(loaded, resolver.tenants()));
		return loaded;
	}

	/**
	 * A tool kept for a tenant no key acts for is a likely typo, yet not an error: keys
	 * may be added by the next deployment, and a tool no one may use does no harm.
	 */
	private static void warnOfTenantsWithoutKeys(LoadedRegistry loaded, Set<String> known) {
		Map<String, Set<String>> named = new TreeMap<>();
		loaded.tools().forEach((spec) -> named.put(spec.name(), spec.tenants()));
		loaded.mcpServers().forEach((server) -> named.put(server.name(), server.tenants()));
		named.forEach((tool, tenants) -> {
			List<String> unknown = tenants.stream().filter((tenant) -> !known.contains(tenant)).sorted().toList();
			if (!unknown.isEmpty() && !known.isEmpty()) {
				logger.warn("Tool '{}' is kept for tenants {} that no API key acts for (tenants with keys: {})", tool,
						unknown, known.stream().sorted().toList());
			}
		});
	}

	@Bean
	ToolRegistry toolRegistry(LoadedRegistry loaded, ToolsProperties properties, HttpToolExecutor http,
			BuiltinToolExecutor builtin, ObjectProvider<JsonMapper> jsonProvider) {
		JsonMapper json = jsonProvider.getIfAvailable(JsonMapper::shared);
		List<ToolSpec> specs = loaded.tools();
		ToolRegistry registry = ToolRegistry.of(specs,
				executor -> (executor instanceof ExecutorSpec.Http) ? http : builtin, properties.bulkheadMaxWaiting(),
				json);
		logger.info("Loaded {} tools from {}: {}", specs.size(),
				(properties.registry() != null) ? properties.registry() : ToolRegistryLoader.DEFAULT_REGISTRY,
				specs.stream().map(ToolSpec::name).toList());
		return registry;
	}

	/**
	 * The registry's MCP servers: connected in the background once the context has
	 * started (a server that is down does not hold start-up), closed on shutdown.
	 */
	@Bean
	McpServers mcpServers(LoadedRegistry loaded, ToolRegistry registry, ToolsProperties properties,
			ObjectProvider<JsonMapper> json, ObjectProvider<ObservationRegistry> observations,
			ObjectProvider<MeterRegistry> meters) {
		ToolsProperties.Mcp mcp = properties.mcp();
		McpSettings settings = new McpSettings(mcp.connectTimeout(), mcp.initializeTimeout(), mcp.listTimeout(),
				mcp.refreshInterval(), mcp.reconnectMinBackoff(), mcp.reconnectMaxBackoff(), mcp.maxConnections(),
				(int) Math.min(Integer.MAX_VALUE, properties.maxResponseSize().toBytes()));
		WebClient.Builder builder = WebClient.builder()
			.observationRegistry(observations.getIfAvailable(() -> ObservationRegistry.NOOP));
		return new McpServers(loaded.mcpServers(), settings, registry, properties.bulkheadMaxWaiting(),
				json.getIfAvailable(JsonMapper::shared), McpJsonDefaults.getMapper(), builder,
				meters.stream()
					.findFirst()
					.<McpOperationObserver>map(McpOperationMetrics::client)
					.orElse(McpOperationObserver.NOOP));
	}

	/** {@code /mcp}: the tools served to MCP clients, beside the API routes. */
	@Bean
	RouterFunction<ServerResponse> mcpRoutes(ToolRegistry registry, IdempotentDispatch dispatcher,
			ObjectProvider<JsonMapper> json, ObjectProvider<MeterRegistry> meters) {
		McpEndpoint endpoint = new McpEndpoint(registry, dispatcher, json.getIfAvailable(JsonMapper::shared),
				meters.stream()
					.findFirst()
					.<McpOperationObserver>map(McpOperationMetrics::server)
					.orElse(McpOperationObserver.NOOP));
		return RouterFunctions.route()
			.POST("/mcp", endpoint::handle)
			.GET("/mcp", endpoint::notAllowed)
			.DELETE("/mcp", endpoint::notAllowed)
			.build();
	}

	@Bean
	McpServersHealthIndicator mcpHealthIndicator(McpServers servers) {
		return new McpServersHealthIndicator(servers);
	}

	@Bean
	SmartLifecycle mcpServersLifecycle(McpServers servers) {
		return new SmartLifecycle() {

			private volatile boolean running;

			@Override
			public void start() {
				servers.start();
				this.running = true;
			}

			@Override
			public void stop() {
				stop(() -> {
				});
			}

			@Override
			public void stop(Runnable callback) {
				this.running = false;
				servers.stop(Duration.ofSeconds(10)).subscribe(null, (error) -> callback.run(), callback);
			}

			@Override
			public int getPhase() {
				// Stops after the drain coordinator: turns in flight may still call MCP
				// tools while they finish.
				return SmartLifecycle.DEFAULT_PHASE - 1;
			}

			@Override
			public boolean isRunning() {
				return this.running;
			}

		};
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
			StoreProperties storeProperties, ObjectProvider<JsonMapper> json,
			ObjectProvider<AuditedCompletions> audited) {
		return new IdempotentDispatch(dispatcher, store, storeProperties.idempotencyTtl(), Duration.ofSeconds(30),
				json.getIfAvailable(JsonMapper::shared), audited.getIfAvailable());
	}

	@Bean
	ToolsHandler toolsHandler(ToolRegistry registry, IdempotentDispatch dispatcher) {
		return new ToolsHandler(registry, dispatcher);
	}

}
