package io.toolgate.dispatcher.web;

import java.util.Map;

import io.toolgate.store.support.RedisServerProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Abandoned streams with the store and the limits on a private Redis. */
class RedisAbandonedStreamsIntegrationTests extends AbstractAbandonedStreamsIntegrationTests {

	private static RedisServerProcess redis;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = pacedUpstream();
		app = gateway(
				Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.store.redis-url", redis.uri()));
	}

	@AfterAll
	static void stopRedis() {
		// The gateway first, while Redis still answers its shutdown.
		stopGateway();
		if (redis != null) {
			redis.close();
		}
	}

}
