package io.toolgate.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.toolgate.store.StoreUnavailableException;
import org.jspecify.annotations.Nullable;

/**
 * The Lettuce client and connections the Redis stores run on, opened from a
 * {@code REDIS_URL}: one shared command connection (Lettuce connections are thread-safe
 * and commands are non-blocking, so there is no pool) and one pub/sub connection. Replies
 * are emitted on Lettuce's computation threads, not on the connection's I/O thread: what
 * a caller does with a reply (a turn's next steps) then never holds up the decoding of
 * the other replies on the shared connection.
 * <p>
 * URL formats:
 * <ul>
 * <li>{@code redis://[[user:]password@]host[:port][/database]} — standalone;
 * {@code rediss://} for TLS. Any other form Lettuce's {@link RedisURI#create(String)}
 * reads (e.g. {@code redis-sentinel://}) is also standalone.</li>
 * <li>{@code redis-cluster://[[user:]password@]host1:port1[,host2:port2...]} — Redis
 * Cluster seeded by the listed nodes; {@code rediss-cluster://} for TLS.</li>
 * <li>{@code redis://host1:port1,redis://host2:port2[,...]} — a comma-separated list of
 * two or more URLs is also a cluster seed list.</li>
 * </ul>
 * Connections reconnect by themselves. While disconnected, commands fail at once instead
 * of queueing; while Redis hangs, the client's own timeout (twice the command timeout) is
 * a backstop behind the {@code timeout} operator of every store command. A cluster client
 * refreshes its topology every 30 seconds and on redirects and reconnects.
 */
public final class RedisConnections implements AutoCloseable {

	private static final Duration TOPOLOGY_REFRESH = Duration.ofSeconds(30);

	private static final String CLUSTER_FORM = "(?i)rediss?-cluster://.*";

	private final AbstractRedisClient client;

	private final StatefulConnection<String, String> connection;

	private final StatefulRedisPubSubConnection<String, String> pubSub;

	private final RedisClusterReactiveCommands<String, String> commands;

	private final boolean cluster;

	private RedisConnections(AbstractRedisClient client, StatefulConnection<String, String> connection,
			StatefulRedisPubSubConnection<String, String> pubSub, RedisClusterReactiveCommands<String, String> commands,
			boolean cluster) {
		this.client = client;
		this.connection = connection;
		this.pubSub = pubSub;
		this.commands = commands;
		this.cluster = cluster;
	}

	/**
	 * Connects. Blocks until connected: call it at startup, not on an event loop.
	 * @param url the Redis URL (see the class description)
	 * @param commandTimeout the bound of every command; it also bounds the connection
	 * handshake and cluster topology queries
	 * @param resources the Lettuce client resources, owned and shut down by the caller;
	 * {@code null} for the client's own
	 * @return the open connections
	 * @throws IllegalArgumentException if the URL cannot be read
	 * @throws StoreUnavailableException if Redis cannot be reached
	 */
	public static RedisConnections connect(String url, Duration commandTimeout, @Nullable ClientResources resources) {
		Objects.requireNonNull(commandTimeout, "commandTimeout");
		List<RedisURI> uris = parse(url);
		// The URI's timeout bounds the connection handshake and the cluster topology
		// queries (Lettuce's default is
		// one minute); one slow seed must not hold up startup for longer than a command
		// may take.
		uris.forEach((uri) -> uri.setTimeout(commandTimeout));
		boolean cluster = url.trim().matches(CLUSTER_FORM) || uris.size() > 1;
		return cluster ? connectCluster(uris, commandTimeout, resources)
				: connectStandalone(uris.get(0), commandTimeout, resources);
	}

	/**
	 * Reads a Redis URL into the addresses it names.
	 * @param url the URL (see the class description)
	 * @return one address for standalone Redis, one or more seeds for a cluster
	 * @throws IllegalArgumentException if the URL cannot be read
	 */
	public static List<RedisURI> parse(String url) {
		Objects.requireNonNull(url, "url");
		String trimmed = url.trim();
		if (trimmed.isEmpty()) {
			throw new IllegalArgumentException("The Redis URL is empty");
		}
		try {
			if (trimmed.matches(CLUSTER_FORM)) {
				return parseClusterForm(trimmed);
			}
			List<RedisURI> uris = new ArrayList<>();
			for (String part : trimmed.split(",")) {
				uris.add(RedisURI.create(part.trim()));
			}
			return List.copyOf(uris);
		}
		catch (RuntimeException ex) {
			throw new IllegalArgumentException("Cannot read the Redis URL: " + ex.getMessage(), ex);
		}
	}

	/**
	 * The shared reactive commands.
	 * @return the commands of the standalone or cluster connection
	 */
	public RedisClusterReactiveCommands<String, String> commands() {
		return this.commands;
	}

	/**
	 * The pub/sub connection, for waking live readers of turn logs.
	 * @return the connection
	 */
	public StatefulRedisPubSubConnection<String, String> pubSub() {
		return this.pubSub;
	}

	/**
	 * The Lettuce client, with its options (fail-fast while disconnected, timeouts).
	 * Others may open further connections on it, e.g. with another codec; it is shut down
	 * by {@link #close()}.
	 * @return the {@code RedisClient} or {@code RedisClusterClient}
	 */
	public AbstractRedisClient client() {
		return this.client;
	}

	/**
	 * Tells whether the URL named a cluster.
	 * @return whether the connections are to Redis Cluster
	 */
	public boolean isCluster() {
		return this.cluster;
	}

	/**
	 * Closes the connections and shuts the client down. Blocks for up to a few seconds;
	 * call it at shutdown.
	 */
	@Override
	public void close() {
		this.pubSub.close();
		this.connection.close();
		this.client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
	}

	private static List<RedisURI> parseClusterForm(String url) {
		int schemeEnd = url.indexOf("://");
		String scheme = url.substring(0, schemeEnd).toLowerCase(Locale.ROOT).startsWith("rediss") ? "rediss" : "redis";
		String rest = url.substring(schemeEnd + 3);
		int at = rest.lastIndexOf('@');
		String credentials = (at < 0) ? "" : rest.substring(0, at + 1);
		String hosts = (at < 0) ? rest : rest.substring(at + 1);
		List<RedisURI> uris = new ArrayList<>();
		for (String host : hosts.split(",")) {
			if (!host.isBlank()) {
				uris.add(RedisURI.create(scheme + "://" + credentials + host.trim()));
			}
		}
		if (uris.isEmpty()) {
			throw new IllegalArgumentException("no cluster node in " + scheme + "-cluster URL");
		}
		return List.copyOf(uris);
	}

	private static RedisConnections connectStandalone(RedisURI uri, Duration commandTimeout,
			@Nullable ClientResources resources) {
		RedisClient client = (resources != null) ? RedisClient.create(resources, uri) : RedisClient.create(uri);
		client.setOptions(ClientOptions.builder()
			.autoReconnect(true)
			.publishOnScheduler(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(timeoutOptions(commandTimeout))
			.socketOptions(socketOptions(commandTimeout))
			.build());
		try {
			var connection = client.connect();
			var pubSub = client.connectPubSub();
			return new RedisConnections(client, connection, pubSub, connection.reactive(), false);
		}
		catch (RedisException ex) {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			throw new StoreUnavailableException("Cannot connect to Redis at " + uri.getHost() + ":" + uri.getPort(),
					ex);
		}
	}

	private static RedisConnections connectCluster(List<RedisURI> seeds, Duration commandTimeout,
			@Nullable ClientResources resources) {
		RedisClusterClient client = (resources != null) ? RedisClusterClient.create(resources, seeds)
				: RedisClusterClient.create(seeds);
		client.setOptions(ClusterClientOptions.builder()
			.autoReconnect(true)
			.publishOnScheduler(true)
			.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.timeoutOptions(timeoutOptions(commandTimeout))
			.socketOptions(socketOptions(commandTimeout))
			.topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
				.enablePeriodicRefresh(TOPOLOGY_REFRESH)
				.enableAllAdaptiveRefreshTriggers()
				.build())
			.build());
		try {
			var connection = client.connect();
			var pubSub = client.connectPubSub();
			return new RedisConnections(client, connection, pubSub, connection.reactive(), true);
		}
		catch (RedisException ex) {
			client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			throw new StoreUnavailableException(
					"Cannot connect to the Redis Cluster seeded by " + seeds.size() + " nodes", ex);
		}
	}

	/**
	 * The client's own timeout is only a backstop behind the {@code timeout} operator on
	 * every command.
	 */
	private static TimeoutOptions timeoutOptions(Duration commandTimeout) {
		return TimeoutOptions.enabled(commandTimeout.multipliedBy(2));
	}

	private static SocketOptions socketOptions(Duration commandTimeout) {
		Duration connect = commandTimeout.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : commandTimeout;
		return SocketOptions.builder().connectTimeout(connect).keepAlive(true).build();
	}

}
