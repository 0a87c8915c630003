package io.toolgate.store.redis;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.lettuce.core.cluster.SlotHash;
import io.toolgate.store.support.RawRedis;
import io.toolgate.store.support.RedisClusterProcess;
import io.toolgate.store.support.RedisServerProcess;
import org.jspecify.annotations.Nullable;

/**
 * A private Redis (standalone or a three-master cluster) with stores connected to it
 * through {@link RedisStores}, started once per test class. Methods block and belong on
 * test threads.
 */
final class RedisFixture implements AutoCloseable {

	static final RedisStoreSettings SETTINGS = new RedisStoreSettings(Duration.ofSeconds(2), Duration.ofHours(1),
			10_000, Duration.ofMillis(500), "tg");

	private final @Nullable RedisServerProcess server;

	private final @Nullable RedisClusterProcess cluster;

	private final String url;

	private final RedisStores stores;

	private RedisFixture(@Nullable RedisServerProcess server, @Nullable RedisClusterProcess cluster, String url) {
		this.server = server;
		this.cluster = cluster;
		this.url = url;
		this.stores = RedisStores.connect(url, SETTINGS);
	}

	/**
	 * Starts a fixture of the given topology.
	 * @param topology standalone or cluster
	 * @return the started fixture
	 */
	static RedisFixture start(Topology topology) {
		return (topology == Topology.CLUSTER) ? cluster() : standalone();
	}

	static RedisFixture standalone() {
		RedisServerProcess server = RedisServerProcess.start();
		return new RedisFixture(server, null, server.uri());
	}

	static RedisFixture cluster() {
		RedisClusterProcess cluster = RedisClusterProcess.start();
		return new RedisFixture(null, cluster, String.join(",", cluster.seedUris()));
	}

	/** The stores on the fixture's shared connection. */
	RedisStores stores() {
		return this.stores;
	}

	/** Connects another client, as another replica would; the caller closes it. */
	RedisStores connectAnother() {
		return RedisStores.connect(this.url, SETTINGS);
	}

	/** A conversation store with its own time to live on the shared connection. */
	RedisConversationStore conversations(Duration ttl) {
		return new RedisConversationStore(this.stores.commands(), new RedisKeys(SETTINGS.keyPrefix()),
				SETTINGS.withConversationTtl(ttl), Clock.systemUTC());
	}

	RedisServerProcess server() {
		if (this.server == null) {
			throw new IllegalStateException("Not a standalone fixture");
		}
		return this.server;
	}

	/**
	 * Sends a command to the node that holds {@code key}'s slot (any node for a
	 * standalone server).
	 */
	@Nullable String call(String key, String... args) throws IOException {
		return RawRedis.call(portOf(key), Duration.ofSeconds(2), args);
	}

	/** The port of the node that serves {@code key}. */
	int portOf(String key) throws IOException {
		if (this.cluster == null) {
			return server().port();
		}
		List<Integer> ports = this.cluster.ports();
		long slot = Long.parseLong(RawRedis.call(ports.get(0), Duration.ofSeconds(2), "CLUSTER", "KEYSLOT", key));
		String[] lines = RawRedis.call(ports.get(0), Duration.ofSeconds(2), "CLUSTER", "NODES").split("\n");
		for (String line : lines) {
			String[] fields = line.split(" ");
			int port = Integer.parseInt(fields[1].substring(fields[1].indexOf(':') + 1, fields[1].indexOf('@')));
			for (int i = 8; i < fields.length; i++) {
				String[] range = fields[i].split("-");
				long from = Long.parseLong(range[0]);
				long to = Long.parseLong(range[range.length - 1]);
				if (slot >= from && slot <= to) {
					return port;
				}
			}
		}
		throw new IllegalStateException("No node serves slot " + slot);
	}

	/**
	 * The cluster slot of a key: asked of a cluster, computed by Lettuce for a standalone
	 * server, which has no slots.
	 */
	long slotOf(String key) throws IOException {
		if (this.cluster == null) {
			return SlotHash.getSlot(key);
		}
		int port = this.cluster.ports().get(0);
		return Long.parseLong(RawRedis.call(port, Duration.ofSeconds(2), "CLUSTER", "KEYSLOT", key));
	}

	/** Sleeps on the test thread, for tests on Redis's real clock. */
	static void sleep(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/** The Redis deployments the integration tests run against. */
	enum Topology {

		/** One {@code redis-server}. */
		STANDALONE,

		/** A three-master Redis Cluster. */
		CLUSTER

	}

	@Override
	public void close() {
		this.stores.close();
		if (this.server != null) {
			this.server.close();
		}
		if (this.cluster != null) {
			this.cluster.close();
		}
	}

}
