package io.toolgate.ratelimit.support;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.toolgate.store.support.RedisClusterProcess;
import io.toolgate.store.support.RedisServerProcess;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A private Redis, standalone or a three-master cluster, and a Lettuce client on it,
 * started before a test class's tests and shut down after them. Register it on a static
 * field with {@code @RegisterExtension}.
 */
public final class RedisClientExtension implements BeforeAllCallback, AfterAllCallback {

	private final boolean cluster;

	private @Nullable RedisServerProcess server;

	private @Nullable RedisClusterProcess clusterProcess;

	private @Nullable RedisClient client;

	private @Nullable RedisClusterClient clusterClient;

	private RedisClientExtension(boolean cluster) {
		this.cluster = cluster;
	}

	/**
	 * Returns an extension starting one {@code redis-server}.
	 * @return the extension
	 */
	public static RedisClientExtension standalone() {
		return new RedisClientExtension(false);
	}

	/**
	 * Returns an extension starting a three-master Redis Cluster.
	 * @return the extension
	 */
	public static RedisClientExtension cluster() {
		return new RedisClientExtension(true);
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (!this.cluster) {
			this.server = RedisServerProcess.start();
			this.client = RedisClient.create(this.server.uri());
			return;
		}
		this.clusterProcess = RedisClusterProcess.start();
		// A short handshake timeout lets the topology refresh skip a node that is slow to
		// answer right after the cluster was created, instead of waiting Lettuce's
		// default minute.
		this.clusterClient = RedisClusterClient.create(this.clusterProcess.seedUris()
			.stream()
			.map((uri) -> RedisURI.builder(RedisURI.create(uri)).withTimeout(Duration.ofSeconds(2)).build())
			.toList());
	}

	@Override
	public void afterAll(ExtensionContext context) {
		if (this.client != null) {
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		if (this.clusterClient != null) {
			this.clusterClient.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		}
		if (this.server != null) {
			this.server.close();
		}
		if (this.clusterProcess != null) {
			this.clusterProcess.close();
		}
	}

	/**
	 * The standalone server, to pause, stop or monitor.
	 * @return the server
	 */
	public RedisServerProcess server() {
		return require(this.server);
	}

	/**
	 * The client of a standalone server.
	 * @return the client
	 */
	public RedisClient client() {
		return require(this.client);
	}

	/**
	 * The client of a cluster.
	 * @return the client
	 */
	public RedisClusterClient clusterClient() {
		return require(this.clusterClient);
	}

	private static <T> T require(@Nullable T started) {
		if (started == null) {
			throw new IllegalStateException("Not started, or of the other topology");
		}
		return started;
	}

}
