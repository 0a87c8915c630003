package io.toolgate.store.memory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.StoreUnavailableException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@link IdempotencyStore} held in memory. Every operation is one atomic step on the
 * key's entry and completes on the subscribing thread without blocking. Records expire on
 * the clock; at most {@code maxRecords} exist, and claiming one more first drops the
 * expired ones and, if none expired, errors with {@link StoreUnavailableException}.
 */
public final class InMemoryIdempotencyStore implements IdempotencyStore {

	private final ConcurrentMap<Key, Entry> records = new ConcurrentHashMap<>();

	private final AtomicLong claims = new AtomicLong();

	private final String tokenPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong());

	private final int maxRecords;

	private final Clock clock;

	/**
	 * Creates an empty store.
	 * @param maxRecords how many records may exist at once, at least 1
	 * @param clock the clock that expires records
	 */
	public InMemoryIdempotencyStore(int maxRecords, Clock clock) {
		if (maxRecords < 1) {
			throw new IllegalArgumentException("maxRecords must be at least 1");
		}
		this.maxRecords = maxRecords;
		this.clock = Objects.requireNonNull(clock, "clock");
	}

	/** Creates an empty store of at most 100,000 records on the system clock. */
	public InMemoryIdempotencyStore() {
		this(100_000, Clock.systemUTC());
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if {@code ttl} is not positive
	 */
	@Override
	public Mono<IdempotencyClaim> claim(String scope, String key, String requestFingerprint, Duration ttl) {
		if (ttl.isZero() || ttl.isNegative()) {
			throw new IllegalArgumentException("ttl must be positive");
		}
		Key id = new Key(scope, key);
		return Mono.fromSupplier(() -> {
			Instant now = this.clock.instant();
			if (this.records.size() >= this.maxRecords && !this.records.containsKey(id)) {
				evictExpired();
			}
			IdempotencyClaim[] outcome = new IdempotencyClaim[1];
			this.records.compute(id, (k, current) -> {
				if (current != null && !current.isExpired(now)) {
					outcome[0] = current.answer(requestFingerprint);
					return current;
				}
				if (current == null && this.records.size() >= this.maxRecords) {
					throw new StoreUnavailableException(
							"The in-memory idempotency store holds its limit of " + this.maxRecords + " records");
				}
				IdempotencyClaim.Claimed claimed = new IdempotencyClaim.Claimed(scope, key, requestFingerprint,
						nextToken());
				outcome[0] = claimed;
				return new Entry(requestFingerprint, claimed.token(), null, ttl, now.plus(ttl));
			});
			return outcome[0];
		});
	}

	@Override
	public Mono<Void> complete(IdempotencyClaim.Claimed claim, String resultJson) {
		Objects.requireNonNull(resultJson, "resultJson");
		return Mono.fromRunnable(() -> {
			Instant now = this.clock.instant();
			this.records.computeIfPresent(new Key(claim.scope(), claim.key()),
					(k, current) -> current.isHeldBy(claim, now) ? new Entry(current.fingerprint(), current.token(),
							resultJson, current.ttl(), now.plus(current.ttl())) : current);
		});
	}

	@Override
	public Mono<Void> release(IdempotencyClaim.Claimed claim) {
		return Mono.fromRunnable(() -> {
			Instant now = this.clock.instant();
			this.records.computeIfPresent(new Key(claim.scope(), claim.key()),
					(k, current) -> current.isHeldBy(claim, now) ? null : current);
		});
	}

	/**
	 * Drops every expired record.
	 * @return how many were dropped
	 */
	public int evictExpired() {
		Instant now = this.clock.instant();
		int before = this.records.size();
		this.records.values().removeIf((entry) -> entry.isExpired(now));
		return Math.max(0, before - this.records.size());
	}

	private String nextToken() {
		return this.tokenPrefix + "-" + Long.toHexString(this.claims.incrementAndGet());
	}

	private record Key(String scope, String key) {
	}

	private record Entry(String fingerprint, String token, @Nullable String result, Duration ttl, Instant expiresAt) {

		boolean isExpired(Instant now) {
			return !now.isBefore(this.expiresAt);
		}

		boolean isHeldBy(IdempotencyClaim.Claimed claim, Instant now) {
			return !isExpired(now) && this.result == null && this.token.equals(claim.token());
		}

		IdempotencyClaim answer(String requestFingerprint) {
			if (!this.fingerprint.equals(requestFingerprint)) {
				return new IdempotencyClaim.Mismatch();
			}
			return (this.result != null) ? new IdempotencyClaim.Completed(this.result)
					: new IdempotencyClaim.InProgress();
		}

	}

}
