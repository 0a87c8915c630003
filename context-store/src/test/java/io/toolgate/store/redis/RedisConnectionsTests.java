package io.toolgate.store.redis;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * {@link RedisConnections#parse(String)}: standalone, TLS, seed lists and the cluster
 * form.
 */
class RedisConnectionsTests {

	@Test
	void parsesStandaloneUrlWithDatabase() {
		List<RedisURI> uris = RedisConnections.parse("redis://redis.internal:6380/2");
		assertThat(uris).singleElement().satisfies((uri) -> {
			assertThat(uri.getHost()).isEqualTo("redis.internal");
			assertThat(uri.getPort()).isEqualTo(6380);
			assertThat(uri.getDatabase()).isEqualTo(2);
			assertThat(uri.isSsl()).isFalse();
		});
	}

	@Test
	void parsesTlsUrlWithPassword() {
		RedisURI uri = RedisConnections.parse("rediss://:secret@redis.internal:6380").get(0);
		assertThat(uri.isSsl()).isTrue();
		assertThat(credentials(uri).getPassword()).containsExactly("secret".toCharArray());
	}

	@Test
	void parsesCommaSeparatedSeedList() {
		List<RedisURI> uris = RedisConnections.parse("redis://h1:7000, redis://h2:7001,redis://h3:7002");
		assertThat(uris).extracting(RedisURI::getHost).containsExactly("h1", "h2", "h3");
		assertThat(uris).extracting(RedisURI::getPort).containsExactly(7000, 7001, 7002);
	}

	@Test
	void parsesClusterFormSharingCredentialsAndTls() {
		List<RedisURI> uris = RedisConnections.parse("rediss-cluster://user:pw@h1:7000,h2:7001");
		assertThat(uris).hasSize(2).allSatisfy((uri) -> {
			assertThat(uri.isSsl()).isTrue();
			assertThat(credentials(uri).getUsername()).isEqualTo("user");
			assertThat(credentials(uri).getPassword()).containsExactly("pw".toCharArray());
		});
		assertThat(uris).extracting(RedisURI::getHost).containsExactly("h1", "h2");
	}

	@Test
	void rejectsEmptyOrUnreadableUrl() {
		assertThatIllegalArgumentException().isThrownBy(() -> RedisConnections.parse(" "));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisConnections.parse("http://h:1"));
		assertThatIllegalArgumentException().isThrownBy(() -> RedisConnections.parse("redis-cluster://"));
	}

	private static RedisCredentials credentials(RedisURI uri) {
		return uri.getCredentialsProvider().resolveCredentials().block(Duration.ofSeconds(1));
	}

}
