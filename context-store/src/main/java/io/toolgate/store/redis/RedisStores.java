package io.toolgate.store.redis;

import java.time.Clock;
import java.util.Objects;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.lettuce.core.resource.ClientResources;
import io.toolgate.store.StoreUnavailableException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The Redis stores, built on one {@link RedisConnections}: every store shares its command
 * connection, and the turn event log uses its pub/sub connection to wake live readers.
 * While Redis is disconnected, commands fail at once with
 * {@link StoreUnavailableException}; while it hangs, they fail after
 * {@link RedisStoreSettings#commandTimeout()}.
 */
public final class RedisStores implements AutoCloseable {

	private final RedisConnections connections;

	private final RedisStoreSettings settings;

	private final RedisConversationStore conversations;

	private final RedisTurnLeases leases;

	private final RedisTurnEventLog eventLog;

	private final RedisIdempotencyStore idempotency;

	private final RedisTurnStarts starts;

	private final RedisApprovalStore approvals;

	private final RedisSpendLedger spend;

	private final RedisTurnEnds ends;

	/**
	 * Builds the stores on open connections, which they then own: {@link #close()} closes
	 * them.
	 * @param connections the connections
	 * @param settings the store settings
	 * @param clock the clock that stamps conversations
	 */
	public RedisStores(RedisConnections connections, RedisStoreSettings settings, Clock clock) {
		this.connections = Objects.requireNonNull(connections, "connections");
		this.settings = Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(clock, "clock");
		RedisKeys keys = new RedisKeys(settings.keyPrefix());
		RedisClusterReactiveCommands<String, String> commands = connections.commands();
		this.conversations = new RedisConversationStore(commands, keys, settings, clock);
		this.leases = new RedisTurnLeases(commands, keys, settings);
		this.eventLog = new RedisTurnEventLog(commands, connections.pubSub(), keys, settings);
		this.idempotency = new RedisIdempotencyStore(commands, keys, settings);
		this.starts = new RedisTurnStarts(commands, keys, this.leases, settings);
		this.ends = new RedisTurnEnds(this.eventLog, commands, keys, settings, clock);
		this.approvals = new RedisApprovalStore(commands, keys, settings);
		this.spend = new RedisSpendLedger(commands, keys, settings);
	}

	/**
	 * Connects and builds the stores, stamping conversations with the system clock.
	 * Blocks until connected: call it at startup, not on an event loop.
	 * @param url the Redis URL (see {@link RedisConnections})
	 * @param settings the store settings
	 * @return the connected stores
	 * @throws IllegalArgumentException if the URL cannot be read
	 * @throws StoreUnavailableException if Redis cannot be reached
	 */
	public static RedisStores connect(String url, RedisStoreSettings settings) {
		return connect(url, settings, Clock.systemUTC());
	}

	/**
	 * Connects and builds the stores. Blocks until connected: call it at startup, not on
	 * an event loop.
	 * @param url the Redis URL (see {@link RedisConnections})
	 * @param settings the store settings
	 * @param clock the clock that stamps conversations
	 * @return the connected stores
	 * @throws IllegalArgumentException if the URL cannot be read
	 * @throws StoreUnavailableException if Redis cannot be reached
	 */
	public static RedisStores connect(String url, RedisStoreSettings settings, Clock clock) {
		return connect(url, settings, clock, null);
	}

	/**
	 * Connects and builds the stores on shared client resources, e.g. ones recording
	 * command latency. Blocks until connected: call it at startup, not on an event loop.
	 * @param url the Redis URL (see {@link RedisConnections})
	 * @param settings the store settings
	 * @param clock the clock that stamps conversations
	 * @param resources the Lettuce client resources, owned and shut down by the caller;
	 * {@code null} for the client's own
	 * @return the connected stores
	 * @throws IllegalArgumentException if the URL cannot be read
	 * @throws StoreUnavailableException if Redis cannot be reached
	 */
	public static RedisStores connect(String url, RedisStoreSettings settings, Clock clock,
			@Nullable ClientResources resources) {
		Objects.requireNonNull(settings, "settings");
		Objects.requireNonNull(clock, "clock");
		return new RedisStores(RedisConnections.connect(url, settings.commandTimeout(), resources), settings, clock);
	}

	/**
	 * An audit log on the stores' connection.
	 * @param maxRecordsPerTenant the length a tenant's stream is trimmed to, at least 1
	 * @return the log
	 */
	public RedisAuditLog auditLog(int maxRecordsPerTenant) {
		return new RedisAuditLog(this.connections.commands(), new RedisKeys(this.settings.keyPrefix()), this.settings,
				maxRecordsPerTenant);
	}

	/**
	 * Idempotency completions with their audit records on the stores' connection, one
	 * script each.
	 * @param maxRecordsPerTenant the length a tenant's audit stream is trimmed to, at
	 * least 1 (as {@link #auditLog})
	 * @return the completions
	 */
	public RedisAuditedCompletions auditedCompletions(int maxRecordsPerTenant) {
		return new RedisAuditedCompletions(this.connections.commands(), new RedisKeys(this.settings.keyPrefix()),
				this.settings, maxRecordsPerTenant);
	}

	/**
	 * The conversation store.
	 * @return the store
	 */
	public RedisConversationStore conversations() {
		return this.conversations;
	}

	/**
	 * The turn leases.
	 * @return the leases
	 */
	public RedisTurnLeases leases() {
		return this.leases;
	}

	/**
	 * The turn event log.
	 * @return the event log
	 */
	public RedisTurnEventLog eventLog() {
		return this.eventLog;
	}

	/**
	 * Returns the turn starts: lease, conversation and turn log in one round trip.
	 * @return the turn starts
	 */
	public RedisTurnStarts starts() {
		return this.starts;
	}

	/**
	 * Returns the turn ends: last events and lease release in one round trip.
	 * @return the turn ends
	 */
	public RedisTurnEnds ends() {
		return this.ends;
	}

	/**
	 * The approval store.
	 * @return the store
	 */
	public RedisApprovalStore approvals() {
		return this.approvals;
	}

	/**
	 * The spend ledger.
	 * @return the ledger
	 */
	public RedisSpendLedger spendLedger() {
		return this.spend;
	}

	/**
	 * The idempotency store.
	 * @return the store
	 */
	public RedisIdempotencyStore idempotency() {
		return this.idempotency;
	}

	/**
	 * The shared reactive commands, for building stores with other settings on the same
	 * connection.
	 * @return the commands of the standalone or cluster connection
	 */
	public RedisClusterReactiveCommands<String, String> commands() {
		return this.connections.commands();
	}

	/**
	 * Returns the Lettuce client these stores are connected through (see
	 * {@link RedisConnections#client()}); it is shut down by {@link #close()}.
	 * @return the {@code RedisClient} or {@code RedisClusterClient}
	 */
	public AbstractRedisClient client() {
		return this.connections.client();
	}

	/**
	 * Tells whether the URL named a cluster.
	 * @return whether the stores run on Redis Cluster
	 */
	public boolean isCluster() {
		return this.connections.isCluster();
	}

	/**
	 * Checks that Redis answers, for readiness probes. Never errors.
	 * @return {@code true} if Redis answered {@code PING} within the command timeout,
	 * else {@code false}
	 */
	public Mono<Boolean> ping() {
		RedisClusterReactiveCommands<String, String> commands = this.connections.commands();
		return Mono.defer(commands::ping)
			.timeout(this.settings.commandTimeout())
			.map("PONG"::equals)
			.onErrorReturn(false);
	}

	/**
	 * Closes the connections and shuts the client down. Blocks for up to a few seconds;
	 * call it at shutdown.
	 */
	@Override
	public void close() {
		this.connections.close();
	}

}
