package io.toolgate.ratelimit.bucket4j;

import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@link RateLimiter} over Bucket4j buckets local to this JVM, for a single replica.
 * Consumption is lock-free and completes on the subscribing thread; the limiter never
 * errors with {@link io.toolgate.ratelimit.RateLimiterUnavailableException}.
 * <p>
 * Each bucket holds {@link LimitSpec#capacity()} tokens, refilled greedily at that many
 * per {@link LimitSpec#period()}. A key used with a different spec than before gets a
 * new, full bucket. At most {@code maxBuckets} buckets are kept: when a new key would
 * exceed that, buckets idle for at least their period are dropped first (they have
 * refilled, so dropping them changes no decision); if none is idle, the least recently
 * used bucket is dropped, and its key starts over with a full bucket. Asking for more
 * tokens than the capacity is always denied, with a {@code retryAfter} that never comes
 * ({@code Long.MAX_VALUE} nanoseconds).
 */
public final class LocalBucket4jRateLimiter implements RateLimiter {

	private final ConcurrentMap<LimitKey, Entry> buckets = new ConcurrentHashMap<>();

	private final int maxBuckets;

	private final TimeMeter timeMeter;

	/**
	 * Creates a limiter.
	 * @param maxBuckets how many buckets to keep at most, at least 1
	 * @param timeMeter the time source of refills and idleness
	 */
	public LocalBucket4jRateLimiter(int maxBuckets, TimeMeter timeMeter) {
		if (maxBuckets < 1) {
			throw new IllegalArgumentException("maxBuckets must be at least 1");
		}
		this.maxBuckets = maxBuckets;
		this.timeMeter = Objects.requireNonNull(timeMeter, "timeMeter");
	}

	/** Creates a limiter of at most 100,000 buckets on the system's nanosecond clock. */
	public LocalBucket4jRateLimiter() {
		this(100_000, TimeMeter.SYSTEM_NANOTIME);
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if {@code tokens} is less than 1
	 */
	@Override
	public Mono<RateLimitDecision> tryConsume(LimitKey key, LimitSpec spec, long tokens) {
		ProbeDecisions.requirePositive(tokens);
		return Mono.fromSupplier(
				() -> ProbeDecisions.of(spec, entry(key, spec).bucket().tryConsumeAndReturnRemaining(tokens)));
	}

	@Override
	public Mono<Void> adjust(LimitKey key, LimitSpec spec, long delta) {
		return Mono.fromRunnable(() -> {
			if (delta > 0) {
				entry(key, spec).bucket().consumeIgnoringRateLimits(delta);
			}
			else if (delta < 0) {
				entry(key, spec).bucket().addTokens(-delta);
			}
		});
	}

	/**
	 * Tells how many buckets are kept.
	 * @return the number of buckets
	 */
	public int size() {
		return this.buckets.size();
	}

	private Entry entry(LimitKey key, LimitSpec spec) {
		long now = this.timeMeter.currentTimeNanos();
		if (this.buckets.size() >= this.maxBuckets && !this.buckets.containsKey(key)) {
			makeRoom(now);
		}
		return this.buckets.compute(key, (k, current) -> {
			Entry live = (current != null && current.spec().equals(spec)) ? current : new Entry(spec, bucket(spec));
			live.touch(now);
			return live;
		});
	}

	private void makeRoom(long now) {
		this.buckets.entrySet().removeIf((e) -> e.getValue().idleFor(now) >= e.getValue().spec().period().toNanos());
		if (this.buckets.size() < this.maxBuckets) {
			return;
		}
		Map.@Nullable Entry<LimitKey, Entry> eldest = null;
		for (Map.Entry<LimitKey, Entry> candidate : this.buckets.entrySet()) {
			if (eldest == null || candidate.getValue().lastUsed() < eldest.getValue().lastUsed()) {
				eldest = candidate;
			}
		}
		if (eldest != null) {
			this.buckets.remove(eldest.getKey(), eldest.getValue());
		}
	}

	private Bucket bucket(LimitSpec spec) {
		return Bucket.builder()
			.addLimit((limit) -> limit.capacity(spec.capacity()).refillGreedy(spec.capacity(), spec.period()))
			.withCustomTimePrecision(this.timeMeter)
			.build();
	}

	private static final class Entry {

		private final LimitSpec spec;

		private final Bucket bucket;

		private volatile long lastUsed;

		Entry(LimitSpec spec, Bucket bucket) {
			this.spec = spec;
			this.bucket = bucket;
		}

		LimitSpec spec() {
			return this.spec;
		}

		Bucket bucket() {
			return this.bucket;
		}

		long lastUsed() {
			return this.lastUsed;
		}

		void touch(long now) {
			this.lastUsed = now;
		}

		long idleFor(long now) {
			return now - this.lastUsed;
		}

	}

}
