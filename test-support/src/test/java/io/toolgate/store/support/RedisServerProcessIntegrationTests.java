package io.toolgate.store.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

@Timeout(60)
class RedisServerProcessIntegrationTests {

	private static final Duration CALL_TIMEOUT = Duration.ofSeconds(2);

	@Test
	void startsPrivateServerThatAnswersPing() throws IOException {
		try (RedisServerProcess redis = RedisServerProcess.start()) {
			assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
			assertThat(RawRedis.ping(redis.port(), CALL_TIMEOUT)).isTrue();
			assertThat(RawRedis.call(redis.port(), CALL_TIMEOUT, "CONFIG", "GET", "save")).isEqualTo("save\n");
			assertThat(RawRedis.call(redis.port(), CALL_TIMEOUT, "SET", "greeting", "hello")).isEqualTo("OK");
			assertThat(RawRedis.call(redis.port(), CALL_TIMEOUT, "GET", "greeting")).isEqualTo("hello");
		}
	}

	@Test
	void pausedServerAnswersNothingUntilResumed() {
		try (RedisServerProcess redis = RedisServerProcess.start()) {
			redis.pause();
			assertThat(RawRedis.ping(redis.port(), Duration.ofMillis(300))).isFalse();
			redis.resume();
			assertThat(RawRedis.ping(redis.port(), CALL_TIMEOUT)).isTrue();
		}
	}

	@Test
	void restartKeepsPortAndLosesData() throws IOException {
		try (RedisServerProcess redis = RedisServerProcess.start()) {
			int port = redis.port();
			RawRedis.call(port, CALL_TIMEOUT, "SET", "k", "v");
			redis.restart();
			assertThat(redis.port()).isEqualTo(port);
			assertThat(RawRedis.call(port, CALL_TIMEOUT, "GET", "k")).isNull();
		}
	}

	@Test
	void stoppedServerReleasesItsPort() throws IOException {
		RedisServerProcess redis = RedisServerProcess.start();
		redis.pause();
		redis.close();
		assertThat(redis.isRunning()).isFalse();
		assertThatIOException().isThrownBy(() -> RawRedis.call(redis.port(), CALL_TIMEOUT, "PING"));
		try (ServerSocket rebind = new ServerSocket(redis.port())) {
			assertThat(rebind.getLocalPort()).isEqualTo(redis.port());
		}
	}

	@Test
	void clusterOfThreeMastersIsReady() throws IOException {
		try (RedisClusterProcess cluster = RedisClusterProcess.start()) {
			assertThat(cluster.seedUris()).hasSize(3).allMatch((uri) -> uri.startsWith("redis://127.0.0.1:"));
			for (int port : cluster.ports()) {
				assertThat(RawRedis.ping(port, CALL_TIMEOUT)).isTrue();
				String info = RawRedis.call(port, CALL_TIMEOUT, "CLUSTER", "INFO");
				assertThat(info).contains("cluster_state:ok", "cluster_known_nodes:3", "cluster_size:3");
			}
		}
	}

}
