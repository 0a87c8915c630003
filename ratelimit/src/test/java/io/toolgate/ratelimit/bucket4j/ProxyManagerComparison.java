package io.toolgate.ratelimit.bucket4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.DelayParameters;
import io.github.bucket4j.distributed.proxy.optimization.Optimization;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.toolgate.ratelimit.support.RedisMonitor;
import io.toolgate.store.support.RedisServerProcess;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A measurement, not a test: Bucket4j's ways of keeping buckets in Redis side by side, on
 * a private {@code redis-server}, counting round trips with {@code MONITOR}. The build's
 * test runs skip it (its name is no {@code *Tests}); run it with
 * {@code ./mvnw -q -B -o verify -pl ratelimit -am -Dtest=NONE -Dit.test=ProxyManagerComparison
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false}. It
 * prints a Markdown table and writes it to
 * {@code ratelimit/target/proxy-manager-comparison.md}.
 */
class ProxyManagerComparison {

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final DelayParameters DELAY = new DelayParameters(10, Duration.ofMillis(100));

	private static final ExpirationAfterWriteStrategy EXPIRY = ExpirationAfterWriteStrategy
		.basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10));

	/** Asks a bucket for tokens, as one replica. */
	private interface Replica {

		CompletableFuture<ConsumptionProbe> tryConsume(String key, BucketConfiguration configuration, long tokens);

	}

	private record Strategy(String name, Function<StatefulRedisConnection<String, byte[]>, Replica> replica) {
	}

	private record Row(String name, double sequential, double alternating, double concurrent, double perSecond,
			double p50, double p99, long failed, String admitted) {
	}

	@Test
	void compare() throws IOException {
		List<Strategy> strategies = List.of(new Strategy("Bucket4j compare-and-swap (before)", (c) -> stock(c, null)),
				new Strategy("Bucket4j compare-and-swap + batching", (c) -> stock(c, Optimizations.batching())),
				new Strategy("Bucket4j compare-and-swap + delaying (10 tokens, 100 ms)",
						(c) -> stock(c, Optimizations.delaying(DELAY))),
				new Strategy("Bucket4j compare-and-swap + predicting (10 tokens, 100 ms)",
						(c) -> stock(c, Optimizations.predicting(DELAY))),
				new Strategy("cached state, one script", (c) -> caching(c, false)),
				new Strategy("cached state, one script + batching (shipped)", (c) -> caching(c, true)));
		List<Row> rows = new ArrayList<>();
		try (RedisServerProcess redis = RedisServerProcess.start();
				RedisMonitor monitor = RedisMonitor.start(redis.port())) {
			RedisClient client = RedisClient.create(redis.uri());
			try {
				for (Strategy strategy : strategies) {
					rows.add(measure(strategy, client, monitor));
				}
			}
			finally {
				client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
			}
		}
		StringBuilder table = new StringBuilder("| strategy | round trips per decision, one replica | "
				+ "two replicas taking turns | two replicas, 32 in flight | decisions/s | p50 ms | p99 ms | failed | "
				+ "admitted of 100, 2 replicas racing (5 runs) |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
		for (Row row : rows) {
			table.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2f | %.0f | %.2f | %.2f | %d | %s |%n",
					row.name(), row.sequential(), row.alternating(), row.concurrent(), row.perSecond(), row.p50(),
					row.p99(), row.failed(), row.admitted()));
		}
		System.out.println(table);
		Files.writeString(Path.of("target", "proxy-manager-comparison.md"), table);
	}

	private static Row measure(Strategy strategy, RedisClient client, RedisMonitor monitor) {
		List<StatefulRedisConnection<String, byte[]>> connections = List.of(client.connect(Bucket4jRateLimiter.CODEC),
				client.connect(Bucket4jRateLimiter.CODEC));
		try {
			List<Replica> replicas = connections.stream().map(strategy.replica()).toList();
			BucketConfiguration large = perHour(1_000_000_000L);
			double sequential = roundTrips(monitor, replicas.subList(0, 1), large, 200);
			double alternating = roundTrips(monitor, replicas, large, 200);
			String key = key();
			consume(replicas.get(0), key, large);
			consume(replicas.get(1), key, large);
			monitor.takeSent(TIMEOUT);
			int decisions = 2_000;
			long[] nanos = new long[decisions];
			AtomicLong failed = new AtomicLong();
			long start = System.nanoTime();
			Flux.range(0, decisions)
				.flatMap((i) -> timed(replicas.get(i % 2), key, large, nanos, i).onErrorResume((ex) -> {
					failed.incrementAndGet();
					return Mono.empty();
				}), 32)
				.blockLast(TIMEOUT);
			double seconds = (System.nanoTime() - start) / 1e9;
			double concurrent = (double) monitor.takeSent(TIMEOUT).size() / decisions;
			Arrays.sort(nanos);
			long[] admitted = new long[5];
			for (int round = 0; round < admitted.length; round++) {
				admitted[round] = race(replicas, failed);
			}
			Arrays.sort(admitted);
			return new Row(strategy.name(), sequential, alternating, concurrent, decisions / seconds,
					nanos[decisions / 2] / 1e6, nanos[decisions * 99 / 100] / 1e6, failed.get(),
					admitted[0] + "–" + admitted[admitted.length - 1]);
		}
		finally {
			connections.forEach(StatefulRedisConnection::close);
		}
	}

	/**
	 * Two replicas ask a new bucket of 100 for 400 tokens, 64 at a time; returns how many
	 * they were given.
	 */
	private static long race(List<Replica> replicas, AtomicLong failed) {
		String key = key();
		Long admitted = Flux.range(0, 400)
			.flatMap((i) -> Mono.fromFuture(() -> replicas.get(i % 2).tryConsume(key, perHour(100), 1))
				.onErrorResume((ex) -> {
					failed.incrementAndGet();
					return Mono.empty();
				}), 64)
			.filter(ConsumptionProbe::isConsumed)
			.count()
			.block(TIMEOUT);
		return (admitted != null) ? admitted : -1;
	}

	/**
	 * Round trips per decision of sequential decisions, the replicas taking turns, after
	 * one each to warm up.
	 */
	private static double roundTrips(RedisMonitor monitor, List<Replica> replicas, BucketConfiguration configuration,
			int decisions) {
		String key = key();
		replicas.forEach((replica) -> consume(replica, key, configuration));
		monitor.takeSent(TIMEOUT);
		for (int i = 0; i < decisions; i++) {
			consume(replicas.get(i % replicas.size()), key, configuration);
		}
		return (double) monitor.takeSent(TIMEOUT).size() / decisions;
	}

	private static Mono<ConsumptionProbe> timed(Replica replica, String key, BucketConfiguration configuration,
			long[] nanos, int index) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return Mono.fromFuture(() -> replica.tryConsume(key, configuration, 1))
				.doOnNext((probe) -> nanos[index] = System.nanoTime() - start);
		});
	}

	private static void consume(Replica replica, String key, BucketConfiguration configuration) {
		Mono.fromFuture(() -> replica.tryConsume(key, configuration, 1)).block(TIMEOUT);
	}

	private static Replica stock(StatefulRedisConnection<String, byte[]> connection,
			@Nullable Optimization optimization) {
		AsyncProxyManager<String> manager = Bucket4jLettuce.casBasedBuilder(connection)
			.clientClock(TimeMeter.SYSTEM_MILLISECONDS)
			.expirationAfterWrite(EXPIRY)
			.build()
			.asAsync();
		if (optimization == null) {
			return (key, configuration, tokens) -> manager.builder()
				.build(key, () -> CompletableFuture.completedFuture(configuration))
				.tryConsumeAndReturnRemaining(tokens);
		}
		// An optimization keeps its state in the proxy, so each key keeps one.
		Map<String, AsyncBucketProxy> proxies = new ConcurrentHashMap<>();
		return (key, configuration, tokens) -> proxies
			.computeIfAbsent(key,
					(k) -> manager.builder()
						.withOptimization(optimization)
						.build(k, () -> CompletableFuture.completedFuture(configuration)))
			.tryConsumeAndReturnRemaining(tokens);
	}

	private static Replica caching(StatefulRedisConnection<String, byte[]> connection, boolean batching) {
		CachingLettuceProxyManager manager = new CachingLettuceProxyManager(connection.async(),
				TimeMeter.SYSTEM_MILLISECONDS, EXPIRY, 100_000);
		return (key, configuration, tokens) -> {
			CachingLettuceProxyManager.Slot slot = manager.slot(key,
					() -> CompletableFuture.completedFuture(configuration));
			AsyncBucketProxy bucket = batching ? slot.bucket()
					: manager.asAsync().builder().build(key, () -> CompletableFuture.completedFuture(configuration));
			return bucket.tryConsumeAndReturnRemaining(tokens);
		};
	}

	private static BucketConfiguration perHour(long capacity) {
		return BucketConfiguration.builder()
			.addLimit((limit) -> limit.capacity(capacity).refillGreedy(capacity, Duration.ofHours(1)))
			.build();
	}

	private static String key() {
		return "tg:rl:{compare:" + UUID.randomUUID() + "}";
	}

}
