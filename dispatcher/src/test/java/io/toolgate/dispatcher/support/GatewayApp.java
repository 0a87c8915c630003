package io.toolgate.dispatcher.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.toolgate.dispatcher.ToolgateApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The gateway started on a random port with given properties; close it after the test.
 */
public final class GatewayApp implements AutoCloseable {

	/** The API key of tenant {@code acme} in every fixture. */
	public static final String ACME_KEY = "acme-test-key";

	/** The API key of tenant {@code globex} in every fixture. */
	public static final String GLOBEX_KEY = "globex-test-key";

	private final ConfigurableApplicationContext context;

	private final int port;

	private final int managementPort;

	/**
	 * The connections of this app's test clients, closed with it: a pool shared with the
	 * apps before it could hand a request a connection to an earlier app that had the
	 * same ephemeral port.
	 */
	private final ConnectionProvider connections = ConnectionProvider.builder("gateway-app-clients")
		.maxConnections(500)
		.pendingAcquireTimeout(Duration.ofSeconds(45))
		.build();

	private final ReactorClientHttpConnector connector = new ReactorClientHttpConnector(
			HttpClient.create(this.connections));

	private GatewayApp(ConfigurableApplicationContext context) {
		this.context = context;
		this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port", "0"));
		this.managementPort = Integer.parseInt(context.getEnvironment().getProperty("local.management.port", "0"));
	}

	/**
	 * Starts the gateway.
	 * @param properties properties on top of the fixture's defaults (random API and
	 * management ports, two tenants' keys)
	 */
	public static GatewayApp start(Map<String, Object> properties) {
		Map<String, Object> all = new HashMap<>();
		all.put("server.port", 0);
		all.put("toolgate.api-keys", "acme:" + ACME_KEY + ",globex:" + GLOBEX_KEY);
		all.put("management.server.port", 0);
		all.putAll(properties);
		// Command-line arguments outrank application.yaml; builder properties would only
		// be defaults.
		String[] args = all.entrySet()
			.stream()
			.map(entry -> "--" + entry.getKey() + "=" + entry.getValue())
			.toArray(String[]::new);
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ToolgateApplication.class)
			.initializers(GatewayApp::ownNettyResources)
			.run(args);
		return new GatewayApp(context);
	}

	/**
	 * Gives the app event loops and connection pools of its own. By default Boot shares
	 * Reactor Netty's global resources and disposes them when a context closes, so
	 * closing one app of a test JVM could take the loops from under the next one, whose
	 * requests then hang.
	 */
	private static void ownNettyResources(ConfigurableApplicationContext context) {
		((GenericApplicationContext) context).registerBean(ReactorResourceFactory.class, () -> {
			ReactorResourceFactory factory = new ReactorResourceFactory();
			factory.setUseGlobalResources(false);
			return factory;
		});
	}

	/** The port. */
	public int port() {
		return this.port;
	}

	/** The base URL, e.g. {@code http://127.0.0.1:PORT}. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/** The management port: actuator health, probes and {@code /actuator/prometheus}. */
	public int managementPort() {
		return this.managementPort;
	}

	/** The management base URL, e.g. {@code http://127.0.0.1:PORT}. */
	public String managementUrl() {
		return "http://127.0.0.1:" + this.managementPort;
	}

	/** A client of the management port. */
	public WebClient managementClient() {
		return WebClient.builder()
			.clientConnector(this.connector)
			.baseUrl(managementUrl())
			.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024))
			.build();
	}

	/** A client sending {@code key} as bearer token. */
	public WebClient client(String key) {
		return WebClient.builder()
			.clientConnector(this.connector)
			.baseUrl(baseUrl())
			.defaultHeader("Authorization", "Bearer " + key)
			.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(4 * 1024 * 1024))
			.build();
	}

	/** A client without a key. */
	public WebClient anonymousClient() {
		return WebClient.builder().clientConnector(this.connector).baseUrl(baseUrl()).build();
	}

	/** The application context. */
	public ConfigurableApplicationContext context() {
		return this.context;
	}

	@Override
	public void close() {
		this.context.close();
		this.connections.dispose();
	}

}
