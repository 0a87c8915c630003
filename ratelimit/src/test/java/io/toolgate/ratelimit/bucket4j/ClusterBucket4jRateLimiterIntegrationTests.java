package io.toolgate.ratelimit.bucket4j;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.toolgate.ratelimit.support.RedisClientExtension;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link Bucket4jRateLimiter} on a private three-master Redis Cluster. */
class ClusterBucket4jRateLimiterIntegrationTests extends AbstractBucket4jRateLimiterIntegrationTests {

	@RegisterExtension
	static final RedisClientExtension redis = RedisClientExtension.cluster();

	@Override
	Bucket4jRateLimiter newReplica(Bucket4jRateLimiter.Options options) {
		return Bucket4jRateLimiter.cluster(track(redis.clusterClient().connect(Bucket4jRateLimiter.CODEC)), options);
	}

	@Override
	AbstractRedisClient client() {
		return redis.clusterClient();
	}

	@Override
	long pttl(String key) {
		StatefulRedisClusterConnection<String, String> connection = track(redis.clusterClient().connect());
		return connection.sync().pttl(key);
	}

}
