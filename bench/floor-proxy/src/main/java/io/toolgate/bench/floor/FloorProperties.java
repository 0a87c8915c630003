package io.toolgate.bench.floor;

import java.net.URI;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The floor proxy's settings ({@code floor.*}).
 *
 * @param upstream base URL of the OpenAI-compatible upstream, e.g.
 * {@code http://127.0.0.1:8081/v1}
 * @param key the bearer key clients must present, usually from {@code FLOOR_KEY}
 * @param upstreamKey a bearer key sent to the upstream, or none
 * @param maxConnections the upstream connection pool's size (Toolgate's default upstream
 * pool is 1000)
 * @param responseTimeout the longest wait for the upstream between two reads
 */
@ConfigurationProperties("floor")
public record FloorProperties(@Nullable URI upstream, @Nullable String key, @Nullable String upstreamKey,
		@DefaultValue("1000") int maxConnections, @DefaultValue("30s") Duration responseTimeout) {

	/**
	 * Checks the settings.
	 * @throws IllegalArgumentException if the upstream or the key is missing, or the pool
	 * is empty
	 */
	public FloorProperties {
		if (upstream == null) {
			throw new IllegalArgumentException("floor.upstream is required");
		}
		if (key == null || key.isBlank()) {
			throw new IllegalArgumentException("floor.key (FLOOR_KEY) is required");
		}
		if (maxConnections < 1) {
			throw new IllegalArgumentException("floor.max-connections must be at least 1");
		}
	}

}
