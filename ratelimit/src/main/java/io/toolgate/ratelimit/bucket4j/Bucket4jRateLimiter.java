package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.RateLimiterUnavailableException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;
import reactor.core.scheduler.Schedulers;

/**
 * {@link RateLimiter} over Bucket4j buckets kept in Redis, shared by every replica. Each bucket is one Redis key,
 * {@code tg:rl:{<key>}:<capacity>/<period in ms>}, updated by compare-and-swap; the hash tag keeps it in one
 * cluster slot, and the spec in the name gives a changed limit a new, full bucket instead of a stale one. A key
 * expires once its bucket would have refilled, plus {@link Options#keepAfterRefill()}.
 * <p>
 * Works over one shared standalone or cluster connection with {@link #CODEC}, passed in (and not closed by this
 * limiter) or opened by {@link #connect}. Every Redis call is bounded by {@link Options#timeout()}; a timeout or any Redis failure is emitted as
 * {@link RateLimiterUnavailableException}. Results are published on {@link Options#scheduler()}, never on Lettuce's
 * I/O thread.
 */
public final class Bucket4jRateLimiter implements RateLimiter, AutoCloseable {

	/** The codec the connection must use: UTF-8 string keys and byte-array values. */
	public static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private final AsyncProxyManager<String> proxies;

	private final Options options;

	private final @Nullable StatefulConnection<String, byte[]> owned;

	private Bucket4jRateLimiter(AsyncProxyManager<String> proxies, Options options,
			@Nullable StatefulConnection<String, byte[]> owned) {
		this.proxies = proxies;
		this.options = options;
		this.owned = owned;
	}

	/**
	 * Creates a limiter over a standalone Redis.
	 * @param connection a connection with {@link #CODEC}, shared and not closed by the limiter
	 * @param options timeouts, clock and scheduler
	 * @return the limiter
	 */
	public static Bucket4jRateLimiter standalone(StatefulRedisConnection<String, byte[]> connection,
			Options options) {
		return standalone(connection, options, null);
	}

	private static Bucket4jRateLimiter standalone(StatefulRedisConnection<String, byte[]> connection, Options options,
			@Nullable StatefulConnection<String, byte[]> owned) {
		return new Bucket4jRateLimiter(configure(Bucket4jLettuce.casBasedBuilder(connection), options).build()
			.asAsync(), options, owned);
	}

	/**
	 * Creates a limiter over a Redis Cluster.
	 * @param connection a cluster connection with {@link #CODEC}, shared and not closed by the limiter
	 * @param options timeouts, clock and scheduler
	 * @return the limiter
	 */
	public static Bucket4jRateLimiter cluster(StatefulRedisClusterConnection<String, byte[]> connection,
			Options options) {
		return cluster(connection, options, null);
	}

	private static Bucket4jRateLimiter cluster(StatefulRedisClusterConnection<String, byte[]> connection,
			Options options, @Nullable StatefulConnection<String, byte[]> owned) {
		return new Bucket4jRateLimiter(configure(Bucket4jLettuce.casBasedBuilder(connection), options).build()
			.asAsync(), options, owned);
	}

	/**
	 * Opens a dedicated connection with {@link #CODEC} on a standalone or cluster client and creates a limiter over
	 * it; {@link #close()} closes that connection. The connection inherits the client's options (reconnects,
	 * behaviour while disconnected). Blocks until connected: call it at startup, not on an event loop.
	 * @param client a {@link RedisClient} or {@link RedisClusterClient}
	 * @param options timeouts, clock and scheduler
	 * @return the limiter
	 * @throws IllegalArgumentException if the client is of another kind
	 * @throws io.lettuce.core.RedisException if Redis cannot be reached
	 */
	public static Bucket4jRateLimiter connect(AbstractRedisClient client, Options options) {
		if (client instanceof RedisClusterClient clusterClient) {
			StatefulRedisClusterConnection<String, byte[]> connection = clusterClient.connect(CODEC);
			return cluster(connection, options, connection);
		}
		if (client instanceof RedisClient redisClient) {
			StatefulRedisConnection<String, byte[]> connection = redisClient.connect(CODEC);
			return standalone(connection, options, connection);
		}
		throw new IllegalArgumentException("Unsupported Redis client: " + client.getClass().getName());
	}

	private static Bucket4jLettuce.LettuceBasedProxyManagerBuilder<String> configure(
			Bucket4jLettuce.LettuceBasedProxyManagerBuilder<String> builder, Options options) {
		return builder.clientClock(options.clock())
			.expirationAfterWrite(
					ExpirationAfterWriteStrategy.basedOnTimeForRefillingBucketUpToMax(options.keepAfterRefill()));
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
		return remote(() -> bucket(key, spec).tryConsumeAndReturnRemaining(tokens))
			.map((probe) -> ProbeDecisions.of(spec, probe));
	}

	@Override
	public Mono<Void> adjust(LimitKey key, LimitSpec spec, long delta) {
		if (delta > 0) {
			return remote(() -> bucket(key, spec).consumeIgnoringRateLimits(delta)).then();
		}
		if (delta < 0) {
			return remote(() -> bucket(key, spec).addTokens(-delta)).then();
		}
		return Mono.empty();
	}

	/** Closes the connection opened by {@link #connect}, if any; a connection passed in stays open. */
	@Override
	public void close() {
		if (this.owned != null) {
			this.owned.close();
		}
	}

	private AsyncBucketProxy bucket(LimitKey key, LimitSpec spec) {
		BucketConfiguration configuration = BucketConfiguration.builder()
			.addLimit((limit) -> limit.capacity(spec.capacity()).refillGreedy(spec.capacity(), spec.period()))
			.build();
		return this.proxies.builder().build(redisKey(key, spec), () -> CompletableFuture.completedFuture(configuration));
	}

	private <T> Mono<T> remote(Supplier<CompletableFuture<T>> call) {
		return Mono.fromFuture(call)
			.timeout(this.options.timeout())
			.onErrorMap(this::unavailable)
			.publishOn(this.options.scheduler());
	}

	private Throwable unavailable(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		if (cause instanceof TimeoutException) {
			return new RateLimiterUnavailableException(
					"Rate-limit backend did not answer within " + this.options.timeout().toMillis() + "ms", cause);
		}
		return new RateLimiterUnavailableException("Rate-limit backend failed: " + cause, cause);
	}

	/**
	 * Settings of a {@link Bucket4jRateLimiter}.
	 *
	 * @param timeout the bound of every Redis call, positive
	 * @param keepAfterRefill how long a bucket's key outlives the moment its bucket would be full again, not negative
	 * @param clock the time source of refills; every replica must use a wall clock for buckets to agree
	 * @param scheduler where results are published, off Lettuce's I/O thread
	 */
	public record Options(Duration timeout, Duration keepAfterRefill, TimeMeter clock, Scheduler scheduler) {

		public Options {
			Objects.requireNonNull(clock, "clock");
			Objects.requireNonNull(scheduler, "scheduler");
			if (timeout.isZero() || timeout.isNegative()) {
				throw new IllegalArgumentException("timeout must be positive");
			}
			if (keepAfterRefill.isNegative()) {
				throw new IllegalArgumentException("keepAfterRefill must not be negative");
			}
		}

		/**
		 * Returns options with the given timeout, keys kept 10 seconds after refill, the system's wall clock and
		 * the parallel scheduler.
		 * @param timeout the bound of every Redis call
		 * @return the options
		 */
		public static Options of(Duration timeout) {
			return new Options(timeout, Duration.ofSeconds(10), TimeMeter.SYSTEM_MILLISECONDS, Schedulers.parallel());
		}

		/**
		 * Returns these options with another clock.
		 * @param clock the time source of refills
		 * @return the new options
		 */
		public Options withClock(TimeMeter clock) {
			return new Options(this.timeout, this.keepAfterRefill, clock, this.scheduler);
		}

	}

}
