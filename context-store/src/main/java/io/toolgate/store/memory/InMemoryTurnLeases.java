package io.toolgate.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.TurnConflictException;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnLeases;
import reactor.core.publisher.Mono;

/**
 * {@link TurnLeases} held in a map of this JVM. Every operation is one atomic step on the
 * conversation's entry and completes on the subscribing thread without blocking.
 * <p>
 * A lease is lost once {@code ttl} has passed on the clock since it was acquired or last
 * renewed; an expired lease can no longer be renewed even if no other turn took it.
 * Fences are unique within this instance (a counter) and differ between instances (a
 * random prefix); they are not secrets. There is at most one lease per conversation, and
 * expired ones are dropped when their conversation is next touched or by
 * {@link #evictExpired()}.
 */
public final class InMemoryTurnLeases implements TurnLeases {

	private final ConcurrentMap<ConversationKey, Held> leases = new ConcurrentHashMap<>();

	private final AtomicLong acquisitions = new AtomicLong();

	private final String fencePrefix = Long.toHexString(ThreadLocalRandom.current().nextLong());

	private final Clock clock;

	/**
	 * Creates leases timed by the given clock.
	 * @param clock the clock that measures time to live
	 */
	public InMemoryTurnLeases(Clock clock) {
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	/** Creates leases timed by the system clock. */
	public InMemoryTurnLeases() {
		this(Clock.systemUTC());
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if {@code ttl} is not positive
	 */
	@Override
	public Mono<TurnLease> acquire(ConversationKey key, String turnId, Duration ttl) {
		requirePositive(ttl);
		return Mono.fromSupplier(() -> {
			Instant now = this.clock.instant();
			Held taken = this.leases.compute(key, (k, current) -> {
				if (current != null && !current.isExpired(now)) {
					throw new TurnConflictException(
							"Conversation " + key.conversationId() + " is running turn " + current.lease().turnId());
				}
				return new Held(new TurnLease(key, turnId, nextFence()), now.plus(ttl));
			});
			return taken.lease();
		});
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if {@code ttl} is not positive
	 */
	@Override
	public Mono<Boolean> renew(TurnLease lease, Duration ttl) {
		requirePositive(ttl);
		return Mono.fromSupplier(() -> {
			Instant now = this.clock.instant();
			boolean[] renewed = { false };
			this.leases.computeIfPresent(lease.key(), (k, current) -> {
				if (current.isExpired(now)) {
					return null;
				}
				if (current.lease().equals(lease)) {
					renewed[0] = true;
					return new Held(current.lease(), now.plus(ttl));
				}
				return current;
			});
			return renewed[0];
		});
	}

	@Override
	public Mono<Void> release(TurnLease lease) {
		return Mono.fromRunnable(() -> this.leases.computeIfPresent(lease.key(),
				(k, current) -> current.lease().equals(lease) ? null : current));
	}

	@Override
	public Mono<Boolean> isHeld(ConversationKey key, String turnId) {
		return Mono.fromSupplier(() -> {
			Held current = this.leases.get(key);
			return current != null && !current.isExpired(this.clock.instant())
					&& current.lease().turnId().equals(turnId);
		});
	}

	/**
	 * Drops every expired lease. Expired leases are also dropped lazily; call this to
	 * bound memory when many conversations are abandoned.
	 * @return how many leases were dropped
	 */
	public int evictExpired() {
		Instant now = this.clock.instant();
		int before = this.leases.size();
		this.leases.values().removeIf((held) -> held.isExpired(now));
		return Math.max(0, before - this.leases.size());
	}

	/**
	 * Runs {@code write} while {@code fence} is the conversation's current lease, so that
	 * the lease cannot be taken over or released until the write has finished.
	 * {@code write} must not touch these leases.
	 * @throws LeaseLostException if {@code fence} is not the current, unexpired lease of
	 * {@code key}
	 */
	<T> T whileHeld(ConversationKey key, TurnLease fence, Supplier<T> write) {
		List<T> result = new ArrayList<>(1);
		Instant now = this.clock.instant();
		this.leases.compute(key, (k, current) -> {
			if (!fence.key().equals(key) || current == null || current.isExpired(now)
					|| !current.lease().equals(fence)) {
				throw new LeaseLostException("Turn " + fence.turnId() + " no longer holds the lease of conversation "
						+ key.conversationId());
			}
			result.add(write.get());
			return current;
		});
		return result.get(0);
	}

	/** Drops the conversation's lease, whoever holds it. */
	void forget(ConversationKey key) {
		this.leases.remove(key);
	}

	private String nextFence() {
		return this.fencePrefix + "-" + Long.toHexString(this.acquisitions.incrementAndGet());
	}

	private static void requirePositive(Duration ttl) {
		if (ttl.isZero() || ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must be positive");
		}
	}

	private record Held(TurnLease lease, Instant expiresAt) {

		boolean isExpired(Instant now) {
			return !now.isBefore(this.expiresAt);
		}

	}

}
