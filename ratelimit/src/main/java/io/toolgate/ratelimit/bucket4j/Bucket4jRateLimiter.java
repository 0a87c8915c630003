package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@link RateLimiter} over Bucket4j buckets kept in Redis, shared by every replica. Each
 * bucket is one Redis key, {@code tg:rl:{<key>}:<capacity>/<period in ms>}; the hash tag
 * keeps it in one cluster slot, and the spec in the name gives a changed limit a new,
 * full bucket instead of a stale one. A key expires once its bucket would have refilled,
 * plus {@link Options#keepAfterRefill()}.
 * <p>
 * A decision is one Redis round trip: the limiter remembers each bucket's last state and
 * sends the decision made on it as a compare-and-swap, which Redis applies only if the
 * bucket has not changed since (otherwise the limiter decides again on the state Redis
 * returns), so replicas never admit more than a bucket holds. Concurrent decisions of
 * this replica on one bucket go to Redis together (Bucket4j's batching). Returned tokens
 * ({@link #adjust} with a negative delta) are held for up to
 * {@link Options#refundDelay()} and travel with the bucket's next decision on this
 * replica, or alone when the delay is over; until then the bucket holds fewer tokens than
 * it should, never more, and held tokens are lost if the replica stops.
 * <p>
 * Works over one shared standalone or cluster connection with {@link #CODEC}, passed in
 * (and not closed by this limiter) or opened by {@link #connect}. Every Redis call is
 * bounded by {@link Options#timeout()}; a timeout or any Redis failure is emitted as
 * {@link RateLimiterUnavailableException}. Results are published on
 * {@link Options#scheduler()}, never on Lettuce's I/O thread.
 */
public final class Bucket4jRateLimiter implements RateLimiter, AutoCloseable {

	/** The codec the connection must use: UTF-8 string keys and byte-array values. */
	public static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private final CachingLettuceProxyManager proxies;

	private final Options options;

	private final BoundedRedisCalls calls;

	private final @Nullable StatefulConnection<String, byte[]> owned;

	private Bucket4jRateLimiter(RedisClusterAsyncCommands<String, byte[]> commands, Options options,
			@Nullable StatefulConnection<String, byte[]> owned) {
		this.proxies = new CachingLettuceProxyManager(commands, options.clock(),
				ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(options.keepAfterRefill()),
				options.maxBuckets());
		this.options = options;
		this.calls = new BoundedRedisCalls(options.timeout(), options.scheduler(), options.refundDelay());
		this.owned = owned;
	}

	/**
	 * Creates a limiter over a standalone Redis.
	 * @param connection a connection with {@link #CODEC}, shared and not closed by the
	 * limiter
	 * @param options timeouts, clock and scheduler
	 * @return the limiter
	 */
	public static Bucket4jRateLimiter standalone(StatefulRedisConnection<String, byte[]> connection, Options options) {
		return new Bucket4jRateLimiter(connection.async(), options, null);
	}

	/**
	 * Creates a limiter over a Redis Cluster.
	 * @param connection a cluster connection with {@link #CODEC}, shared and not closed
	 * by the limiter
	 * @param options timeouts, clock and scheduler
	 * @return the limiter
	 */
	public static Bucket4jRateLimiter cluster(StatefulRedisClusterConnection<String, byte[]> connection,
			Options options) {
		return new Bucket4jRateLimiter(connection.async(), options, null);
	}

	/**
	 * Opens a dedicated connection with {@link #CODEC} on a standalone or cluster client
	 * and creates a limiter over it; {@link #close()} closes that connection. The
	 * connection inherits the client's options (reconnects, behaviour while
	 * disconnected). Blocks until connected: call it at startup, not on an event loop.
	 * @param client a {@link RedisClient} or {@link RedisClusterClient}
	 * @param options timeouts, clock and scheduler
	 * @return the limiter
	 * @throws IllegalArgumentException if the client is of another kind
	 * @throws io.lettuce.core.RedisException if Redis cannot be reached
	 */
	public static Bucket4jRateLimiter connect(AbstractRedisClient client, Options options) {
		if (client instanceof RedisClusterClient clusterClient) {
			StatefulRedisClusterConnection<String, byte[]> connection = clusterClient.connect(CODEC);
			return new Bucket4jRateLimiter(connection.async(), options, connection);
		}
		if (client instanceof RedisClient redisClient) {
			StatefulRedisConnection<String, byte[]> connection = redisClient.connect(CODEC);
			return new Bucket4jRateLimiter(connection.async(), options, connection);
		}
		throw new IllegalArgumentException("Unsupported Redis client: " + client.getClass().getName());
	}

	/**
	 * Returns the Redis key of a bucket.
	 * @param key the bucket
	 * @param spec its capacity and refill
	 * @return {@code tg:rl:{<key>}:<capacity>/<period in ms>}
	 */
	public static String redisKey(LimitKey key, LimitSpec spec) {
		return "tg:rl:{" + key.value() + "}:" + spec.capacity() + "/" + spec.period().toMillis();
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if {@code tokens} is less than 1
	 */
	@Override
	public Mono<RateLimitDecision> tryConsume(LimitKey key, LimitSpec spec, long tokens) {
		ProbeDecisions.requirePositive(tokens);
		return this.calls.remote(() -> slot(key, spec).bucket().tryConsumeAndReturnRemaining(tokens))
			.map((probe) -> ProbeDecisions.of(spec, probe));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Returned tokens (a negative {@code delta}) are held and completed at once, without
	 * Redis, unless {@link Options#refundDelay()} is zero; see the class description.
	 */
	@Override
	public Mono<Void> adjust(LimitKey key, LimitSpec spec, long delta) {
		if (delta > 0) {
			return this.calls.remote(() -> slot(key, spec).bucket().consumeIgnoringRateLimits(delta)).then();
		}
		if (delta < 0 && this.options.refundDelay().isZero()) {
			return this.calls.remote(() -> slot(key, spec).bucket().addTokens(-delta)).then();
		}
		if (delta < 0) {
			return Mono.fromRunnable(() -> this.calls.holdRefund(slot(key, spec), -delta));
		}
		return Mono.empty();
	}

	/**
	 * Closes the connection opened by {@link #connect}, if any; a connection passed in
	 * stays open.
	 */
	@Override
	public void close() {
		if (this.owned != null) {
			this.owned.close();
		}
	}

	private CachingLettuceProxyManager.Slot slot(LimitKey key, LimitSpec spec) {
		return this.proxies.slot(redisKey(key, spec),
				() -> CompletableFuture.completedFuture(BucketConfiguration.builder()
					.addLimit((limit) -> limit.capacity(spec.capacity()).refillGreedy(spec.capacity(), spec.period()))
					.build()));
	}

	/**
	 * Settings of a {@link Bucket4jRateLimiter}.
	 *
	 * @param timeout the bound of every Redis call, positive
	 * @param keepAfterRefill how long a bucket's key outlives the moment its bucket would
	 * be full again, not negative
	 * @param clock the time source of refills; every replica must use a wall clock for
	 * buckets to agree
	 * @param scheduler where results are published, off Lettuce's I/O thread, and where
	 * held refunds are timed
	 * @param refundDelay how long returned tokens may wait for the bucket's next decision
	 * before they are sent alone, not negative; zero sends them at once
	 * @param maxBuckets how many buckets the limiter remembers the state of, at least 1;
	 * a forgotten bucket's next decision costs a second round trip
	 */
	public record Options(Duration timeout, Duration keepAfterRefill, TimeMeter clock, Scheduler scheduler,
			Duration refundDelay, int maxBuckets) {

		public Options {
			Objects.requireNonNull(clock, "clock");
			Objects.requireNonNull(scheduler, "scheduler");
			if (timeout.isZero() || timeout.isNegative()) {
				throw new IllegalArgumentException("timeout must be positive");
			}
			if (keepAfterRefill.isNegative()) {
				throw new IllegalArgumentException("keepAfterRefill must not be negative");
			}
			if (refundDelay.isNegative()) {
				throw new IllegalArgumentException("refundDelay must not be negative");
			}
			if (maxBuckets < 1) {
				throw new IllegalArgumentException("maxBuckets must be at least 1");
			}
		}

		/**
		 * Returns options with the given timeout, keys kept 10 seconds after refill, the
		 * system's wall clock, the parallel scheduler, refunds held up to 1 second and
		 * 100,000 buckets remembered.
		 * @param timeout the bound of every Redis call
		 * @return the options
		 */
		public static Options of(Duration timeout) {
			return new Options(timeout, Duration.ofSeconds(10), TimeMeter.SYSTEM_MILLISECONDS, Schedulers.parallel(),
					Duration.ofSeconds(1), 100_000);
		}

		/**
		 * Returns these options with another clock.
		 * @param clock the time source of refills
		 * @return the new options
		 */
		public Options withClock(TimeMeter clock) {
			return new Options(this.timeout, this.keepAfterRefill, clock, this.scheduler, this.refundDelay,
					this.maxBuckets);
		}

		/**
		 * Returns these options with another refund delay.
		 * @param refundDelay how long returned tokens may be held, zero to send them at
		 * once
		 * @return the new options
		 */
		public Options withRefundDelay(Duration refundDelay) {
			return new Options(this.timeout, this.keepAfterRefill, this.clock, this.scheduler, refundDelay,
					this.maxBuckets);
		}

		/**
		 * Returns these options with another bound on remembered buckets.
		 * @param maxBuckets how many buckets to remember
		 * @return the new options
		 */
		public Options withMaxBuckets(int maxBuckets) {
			return new Options(this.timeout, this.keepAfterRefill, this.clock, this.scheduler, this.refundDelay,
					maxBuckets);
		}

	}

}
