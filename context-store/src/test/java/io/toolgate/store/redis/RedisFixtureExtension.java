package io.toolgate.store.redis;

import java.util.EnumMap;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link RedisFixture} per topology the first time a test of the class asks for
 * it, and closes the fixtures after the class's tests. Register it on a static field of a
 * test class parameterized by {@link RedisFixture.Topology}.
 */
final class RedisFixtureExtension implements AfterAllCallback {

	private final Map<RedisFixture.Topology, RedisFixture> started = new EnumMap<>(RedisFixture.Topology.class);

	/**
	 * Returns the fixture of a topology, starting it if needed. Blocks while Redis
	 * starts.
	 * @param topology standalone or cluster
	 * @return the running fixture
	 */
	synchronized RedisFixture of(RedisFixture.Topology topology) {
		return this.started.computeIfAbsent(topology, RedisFixture::start);
	}

	@Override
	public synchronized void afterAll(ExtensionContext context) {
		this.started.values().forEach(RedisFixture::close);
		this.started.clear();
	}

}
