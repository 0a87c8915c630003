package io.toolgate.store.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.TurnConflictException;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnLeases;
import reactor.core.publisher.Mono;

/**
 * {@link TurnLeases} on Redis: one string key per conversation holding the lease's fence
 * and turn, taken with {@code SET NX PX}, renewed and released by Lua scripts that
 * compare the value first, so that only the holder can extend or drop it. Redis expires
 * the key, so a lease whose replica died frees its conversation after its time to live.
 * Fences are unique: a random 64-bit prefix per instance and a counter. Every command is
 * bounded by {@link RedisStoreSettings#commandTimeout()} and errors with
 * {@link StoreUnavailableException} when Redis cannot be reached.
 */
public final class RedisTurnLeases implements TurnLeases {

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final Duration timeout;

	private final RedisScript renew;

	private final RedisScript release;

	private final AtomicLong acquisitions = new AtomicLong();

	// Not SecureRandom: fences must be unique, not secret, and SecureRandom may block on
	// an event loop.
	private final String fencePrefix = Long.toHexString(ThreadLocalRandom.current().nextLong());

	/**
	 * Creates the leases.
	 * @param commands the shared reactive commands of a standalone or cluster connection
	 * @param keys the key builder
	 * @param settings the command timeout
	 */
	public RedisTurnLeases(RedisClusterReactiveCommands<String, String> commands, RedisKeys keys,
			RedisStoreSettings settings) {
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.timeout = settings.commandTimeout();
		this.renew = new RedisScript(commands, RedisScripts.LEASE_RENEW);
		this.release = new RedisScript(commands, RedisScripts.LEASE_RELEASE);
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if {@code ttl} is not positive
	 */
	@Override
	public Mono<TurnLease> acquire(ConversationKey key, String turnId, Duration ttl) {
		long ttlMillis = positiveMillis(ttl);
		return Mono.defer(() -> {
			TurnLease lease = newLease(key, turnId);
			return this.commands
				.set(this.keys.lease(key), this.keys.leaseValue(lease), SetArgs.Builder.nx().px(ttlMillis))
				.map((ok) -> lease)
				.switchIfEmpty(Mono.defer(() -> conflict(key)));
		}).transform(RedisOperators.guard(this.timeout, "Taking a turn lease"));
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if {@code ttl} is not positive
	 */
	@Override
	public Mono<Boolean> renew(TurnLease lease, Duration ttl) {
		long ttlMillis = positiveMillis(ttl);
		return Mono
			.defer(() -> this.renew.run(this.commands, new String[] { this.keys.lease(lease.key()) },
					this.keys.leaseValue(lease), Long.toString(ttlMillis)))
			.transform(RedisOperators.guard(this.timeout, "Renewing a turn lease"))
			.map((reply) -> ((Long) reply.get(1)) == 1L);
	}

	@Override
	public Mono<Void> release(TurnLease lease) {
		return Mono
			.defer(() -> this.release.run(this.commands, new String[] { this.keys.lease(lease.key()) },
					this.keys.leaseValue(lease)))
			.transform(RedisOperators.guard(this.timeout, "Releasing a turn lease"))
			.then();
	}

	@Override
	public Mono<Boolean> isHeld(ConversationKey key, String turnId) {
		return Mono.defer(() -> this.commands.get(this.keys.lease(key)))
			.map((value) -> turnId.equals(this.keys.turnOfLeaseValue(value)))
			.defaultIfEmpty(false)
			.transform(RedisOperators.guard(this.timeout, "Reading a turn lease"));
	}

	private Mono<TurnLease> conflict(ConversationKey key) {
		return this.commands.get(this.keys.lease(key))
			.map(this.keys::turnOfLeaseValue)
			.defaultIfEmpty("another turn")
			.flatMap((holder) -> Mono.error(conflict(key, holder)));
	}

	static TurnConflictException conflict(ConversationKey key, String holder) {
		return new TurnConflictException("Conversation " + key.conversationId() + " is running turn " + holder);
	}

	/** A lease with a new fence, not taken yet. */
	TurnLease newLease(ConversationKey key, String turnId) {
		return new TurnLease(key, turnId,
				this.fencePrefix + "-" + Long.toHexString(this.acquisitions.incrementAndGet()));
	}

	static long positiveMillis(Duration ttl) {
		if (ttl.isZero() || ttl.isNegative() || ttl.toMillis() < 1) {
			throw new IllegalArgumentException("ttl must be at least 1 ms");
		}
		return ttl.toMillis();
	}

}
