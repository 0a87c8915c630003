package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;

import io.lettuce.core.RedisURI;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.store.support.RedisClusterProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Bucket4jRateLimiter} on a private three-master Redis Cluster. */
class ClusterBucket4jRateLimiterIntegrationTests extends AbstractBucket4jRateLimiterIntegrationTests {

	private static RedisClusterProcess cluster;

	private static RedisClusterClient client;

	@BeforeAll
	static void startCluster() {
		cluster = RedisClusterProcess.start();
		// A short handshake timeout lets the topology refresh skip a node that is slow to
		// answer right after the
		// cluster was created, instead of waiting Lettuce's default minute.
		client = RedisClusterClient.create(cluster.seedUris()
			.stream()
			.map((uri) -> RedisURI.builder(RedisURI.create(uri)).withTimeout(Duration.ofSeconds(2)).build())
			.toList());
	}

	@AfterAll
	static void stopCluster() {
		client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
		cluster.close();
	}

	@Override
	Bucket4jRateLimiter newReplica(Bucket4jRateLimiter.Options options) {
		return Bucket4jRateLimiter.cluster(track(client.connect(Bucket4jRateLimiter.CODEC)), options);
	}

	@Test
	void connectOpensItsOwnClusterConnectionAndCloseClosesIt() {
		try (Bucket4jRateLimiter limiter = Bucket4jRateLimiter.connect(client,
				Bucket4jRateLimiter.Options.of(TIMEOUT))) {
			assertThat(consume(limiter, requestsKey(), LimitSpec.perMinute("requests", 2), 1).remaining()).isOne();
		}
	}

	@Override
	long pttl(String key) {
		StatefulRedisClusterConnection<String, String> connection = track(client.connect());
		return connection.sync().pttl(key);
	}

}
