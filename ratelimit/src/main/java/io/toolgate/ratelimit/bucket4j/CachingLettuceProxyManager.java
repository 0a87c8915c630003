package io.toolgate.ratelimit.bucket4j;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AbstractProxyManager;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.distributed.remote.CommandResult;
import io.github.bucket4j.distributed.remote.MutableBucketEntry;
import io.github.bucket4j.distributed.remote.Request;
import io.github.bucket4j.distributed.remote.commands.AddTokensCommand;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.jspecify.annotations.Nullable;

/**
 * A Bucket4j proxy manager over Redis (a Lettuce standalone or cluster connection) that
 * makes a decision in one round trip. Per key it remembers the last state it read or
 * wrote, runs each command on that state here, and sends the outcome in one
 * {@link CompareAndSwapScript}: Redis stores the new state if it still holds the state
 * the command ran on, and otherwise answers with the state it holds, on which the command
 * runs again. A result is returned only once Redis has confirmed the state it was
 * computed from (or, as with Bucket4j's own compare-and-swap manager, right after Redis
 * returned that state), so decisions are exact across replicas. Steady state: one round
 * trip per decision; a write by another replica in between costs one more. Bucket4j's
 * compare-and-swap manager reads first and then swaps: two.
 * <p>
 * Each key's bucket proxy is shared and uses Bucket4j's batching, so commands of one
 * replica on one key never race each other: while one is in flight, the next ones wait
 * and go as one. Tokens returned with {@link Slot#deferRefund(long)} travel with the
 * key's next command instead of a round trip of their own.
 * <p>
 * Asynchronous use only ({@link #asAsync()}); the blocking methods throw
 * {@link UnsupportedOperationException}. Proxies must keep Bucket4j's default recovery
 * strategy (re-create a missing bucket): a command on a bucket believed missing answers
 * "not found" without asking Redis, and the re-creating command that follows is checked
 * by its swap. At most {@code maxKeys} keys are remembered; beyond that one is forgotten,
 * which costs its next decision a round trip, never its correctness.
 */
final class CachingLettuceProxyManager extends AbstractProxyManager<String> {

	/**
	 * Each attempt after the first follows a write by another replica (this replica's own
	 * commands on a key are batched, one in flight at a time), so a chain this long means
	 * something is wrong rather than busy. The caller's timeout bounds the wait long
	 * before.
	 */
	private static final int MAX_ATTEMPTS = 100;

	private final RedisClusterAsyncCommands<String, byte[]> commands;

	private final CompareAndSwapScript script;

	private final ExpirationAfterWriteStrategy expiration;

	private final TimeMeter clock;

	private final int maxKeys;

	private final ConcurrentMap<String, Slot> slots = new ConcurrentHashMap<>();

	CachingLettuceProxyManager(RedisClusterAsyncCommands<String, byte[]> commands, TimeMeter clock,
			ExpirationAfterWriteStrategy expiration, int maxKeys) {
		super(ClientSideConfig.getDefault().withClientClock(clock).withExpirationAfterWriteStrategy(expiration));
		this.commands = commands;
		this.script = new CompareAndSwapScript(commands);
		this.expiration = expiration;
		this.clock = clock;
		this.maxKeys = maxKeys;
	}

	/**
	 * Returns the slot of a key, with its shared, batching bucket proxy.
	 * @param key the Redis key
	 * @param configuration the bucket's configuration, asked for when the bucket must be
	 * created
	 * @return the slot
	 */
	Slot slot(String key, Supplier<CompletableFuture<BucketConfiguration>> configuration) {
		Slot slot = this.slots.get(key);
		if (slot != null) {
			return slot;
		}
		if (this.slots.size() >= this.maxKeys) {
			forgetOne();
		}
		return this.slots.computeIfAbsent(key, (k) -> new Slot(
				asAsync().builder().withOptimization(Optimizations.batching()).build(k, configuration)));
	}

	private void forgetOne() {
		Iterator<Map.Entry<String, Slot>> entries = this.slots.entrySet().iterator();
		Map.@Nullable Entry<String, Slot> victim = null;
		while (entries.hasNext()) {
			Map.Entry<String, Slot> entry = entries.next();
			victim = entry;
			if (entry.getValue().refund.get() == 0) {
				break;
			}
		}
		if (victim != null) {
			this.slots.remove(victim.getKey(), victim.getValue());
		}
	}

	@Override
	protected <T> CompletableFuture<CommandResult<T>> executeAsync(String key, Request<T> request) {
		Slot slot = this.slots.get(key);
		// A key forgotten since its proxy was handed out is decided without remembering
		// anything.
		Slot target = (slot != null) ? slot : new Slot(null);
		return attempt(key, request, target, target.known.get(), false, 1);
	}

	private <T> CompletableFuture<CommandResult<T>> attempt(String key, Request<T> request, Slot slot,
			@Nullable Known base, boolean confirmed, int attempt) {
		long now = (request.getClientSideTime() != null) ? request.getClientSideTime() : this.clock.currentTimeNanos();
		byte[] expected = (base != null && base.expiresAtNanos() - now > 0) ? base.state() : null;
		MutableBucketEntry entry = new MutableBucketEntry(expected);
		long refund = slot.refund.getAndSet(0);
		if (refund > 0 && entry.exists()) {
			new AddTokensCommand(refund).execute(entry, now);
		}
		CommandResult<T> result = request.getCommand().execute(entry, now);
		if (!entry.isStateModified() && (confirmed || expected == null)) {
			// Nothing to write, and either Redis just returned this state, or the bucket
			// is believed missing: the
			// answer is then "not found", and the proxy follows it with a creating
			// command whose swap checks that.
			slot.refund.addAndGet(refund);
			return CompletableFuture.completedFuture(result);
		}
		byte[] update = entry.isStateModified() ? entry.getStateBytes(request.getBackwardCompatibilityVersion()) : null;
		long ttl = (update != null) ? this.expiration.calculateTimeToLiveMillis(entry.get(), now) : 0;
		return this.script.run(key, expected, update, ttl).thenCompose((outcome) -> {
			if (outcome.swapped()) {
				if (update != null) {
					long expiresAt = (ttl > 0) ? now + TimeUnit.MILLISECONDS.toNanos(ttl) : Long.MAX_VALUE;
					slot.known.set(new Known(update, expiresAt));
				}
				return CompletableFuture.completedFuture(result);
			}
			// Not applied: the tokens held back are still owed, and the decision is made
			// again on what Redis holds.
			slot.refund.addAndGet(refund);
			return again(key, request, slot, outcome.current(), attempt);
		});
	}

	private <T> CompletableFuture<CommandResult<T>> again(String key, Request<T> request, Slot slot,
			byte @Nullable [] current, int attempt) {
		Known known = (current != null) ? new Known(current, Long.MAX_VALUE) : null;
		slot.known.set(known);
		if (attempt >= MAX_ATTEMPTS) {
			return CompletableFuture.failedFuture(new IllegalStateException(
					"Bucket " + key + " changed under each of " + attempt + " attempts to update it"));
		}
		return attempt(key, request, slot, known, true, attempt + 1);
	}

	@Override
	protected <T> CommandResult<T> execute(String key, Request<T> request) {
		throw new UnsupportedOperationException("Asynchronous use only");
	}

	@Override
	public void removeProxy(String key) {
		throw new UnsupportedOperationException("Asynchronous use only");
	}

	@Override
	protected CompletableFuture<Void> removeAsync(String key) {
		this.slots.remove(key);
		return this.commands.del(key).toCompletableFuture().thenApply((deleted) -> null);
	}

	@Override
	public boolean isAsyncModeSupported() {
		return true;
	}

	@Override
	public boolean isExpireAfterWriteSupported() {
		return true;
	}

	/**
	 * A state read from or written to Redis, and when its key expires there (client
	 * clock).
	 */
	private record Known(byte[] state, long expiresAtNanos) {
	}

	/** What this replica keeps about one key. */
	static final class Slot {

		private final @Nullable AsyncBucketProxy bucket;

		private final AtomicReference<@Nullable Known> known = new AtomicReference<>();

		private final AtomicLong refund = new AtomicLong();

		private Slot(@Nullable AsyncBucketProxy bucket) {
			this.bucket = bucket;
		}

		/** The key's shared bucket proxy. */
		AsyncBucketProxy bucket() {
			if (this.bucket == null) {
				throw new IllegalStateException("A detached slot has no bucket");
			}
			return this.bucket;
		}

		/**
		 * Holds returned tokens until the key's next command carries them to Redis.
		 * Written off if that command fails (it may or may not have been applied; a
		 * refund is never applied twice), or if the bucket no longer exists (a new bucket
		 * starts full).
		 * @param tokens the tokens, positive
		 * @return whether nothing was held before, so the caller should arrange for a
		 * command to carry them
		 */
		boolean deferRefund(long tokens) {
			return this.refund.getAndAdd(tokens) == 0;
		}

		/** Takes the held tokens, to send them in a command of their own. */
		long takeRefund() {
			return this.refund.getAndSet(0);
		}

	}

}
