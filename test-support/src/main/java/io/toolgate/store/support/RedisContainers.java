package io.toolgate.store.support;

import java.util.List;
import java.util.Locale;

import com.github.dockerjava.api.DockerClient;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Decides once per JVM whether the Redis fixtures run in containers or as local
 * {@code redis-server} processes, and creates the containers. Containers are used when a
 * Docker engine answers and the image is there (or was named explicitly, and may then be
 * pulled); otherwise the fixtures fall back to processes. The choice is logged once.
 * <p>
 * Settings, each a system property or else an environment variable:
 * <ul>
 * <li>{@code toolgate.test.redis.image} / {@code TOOLGATE_TEST_REDIS_IMAGE}: the image,
 * by default {@value #LOCAL_IMAGE} (built by {@code .ci/redis-test-image}, never pulled);
 * a machine with Docker Hub can name {@code redis:8}.</li>
 * <li>{@code toolgate.test.redis} / {@code TOOLGATE_TEST_REDIS}: {@code process} forces
 * processes.</li>
 * </ul>
 * The local image is used only with {@code TESTCONTAINERS_RYUK_DISABLED=true} and
 * {@code TESTCONTAINERS_HOST_OVERRIDE} set, since both would otherwise make
 * Testcontainers pull images. Containers share the host's network (the CI engine runs
 * without a bridge), so each listens on the free loopback port the fixture chose, as a
 * process would.
 */
final class RedisContainers {

	static final String LOCAL_IMAGE = "toolgate/redis-test:local";

	private static final Logger logger = LoggerFactory.getLogger(RedisContainers.class);

	private static @Nullable Boolean enabled;

	private RedisContainers() {
	}

	/**
	 * Tells whether this JVM's Redis fixtures run in containers; the first call probes
	 * the engine (under a second when none runs) and logs the outcome.
	 */
	static synchronized boolean enabled() {
		Boolean decided = enabled;
		if (decided == null) {
			decided = probe();
			enabled = decided;
		}
		return decided;
	}

	static GenericContainer<?> create(List<String> redisArgs) {
		String image = image();
		GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image)).withNetworkMode("host")
			.withCommand(redisArgs.toArray(String[]::new));
		if (setting("toolgate.test.redis.image") == null) {
			// The local image exists only on this engine; a pull could never succeed.
			container.withImagePullPolicy((name) -> false);
		}
		return container;
	}

	/**
	 * {@code docker pause} when {@code frozen}, else {@code docker unpause}; the port and
	 * connections stay. Like SIGCONT to a running process, unpausing a running container
	 * (as tests' clean-up does) changes nothing.
	 */
	static void freeze(GenericContainer<?> container, boolean frozen) {
		DockerClient client = DockerClientFactory.instance().client();
		Boolean paused = client.inspectContainerCmd(container.getContainerId()).exec().getState().getPaused();
		if (Boolean.valueOf(frozen).equals(paused)) {
			return;
		}
		if (frozen) {
			client.pauseContainerCmd(container.getContainerId()).exec();
		}
		else {
			client.unpauseContainerCmd(container.getContainerId()).exec();
		}
	}

	private static boolean probe() {
		String mode = setting("toolgate.test.redis");
		if (mode != null && mode.toLowerCase(Locale.ROOT).equals("process")) {
			logger.info("Redis test fixtures: redis-server processes (toolgate.test.redis=process)");
			return false;
		}
		if (setting("toolgate.test.redis.image") == null && !registryFreeSettings()) {
			// Without them Testcontainers would try to pull its Ryuk image and, inside a
			// container, an image to find
			// the gateway: minutes of timeouts on a machine with no registry, before any
			// fixture starts.
			logger.info("Redis test fixtures: redis-server processes (the local image needs "
					+ "TESTCONTAINERS_RYUK_DISABLED=true and TESTCONTAINERS_HOST_OVERRIDE=localhost, as .ci/run sets)");
			return false;
		}
		try {
			if (!DockerClientFactory.instance().isDockerAvailable()) {
				logger.info("Redis test fixtures: redis-server processes (no Docker engine found)");
				return false;
			}
			String image = image();
			if (setting("toolgate.test.redis.image") == null && !imagePresent(image)) {
				logger.info("Redis test fixtures: redis-server processes (Docker engine found, but no image {}; "
						+ "build it with .ci/redis-test-image)", image);
				return false;
			}
			logger.info("Redis test fixtures: containers of image {} (Docker API {})", image,
					DockerClientFactory.instance().getActiveApiVersion());
			return true;
		}
		catch (RuntimeException ex) {
			logger.info("Redis test fixtures: redis-server processes (Docker probe failed: {})", ex.toString());
			return false;
		}
	}

	private static boolean registryFreeSettings() {
		return "true".equalsIgnoreCase(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))
				&& System.getenv("TESTCONTAINERS_HOST_OVERRIDE") != null;
	}

	private static boolean imagePresent(String image) {
		try {
			DockerClientFactory.instance().client().inspectImageCmd(image).exec();
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static String image() {
		String image = setting("toolgate.test.redis.image");
		return (image != null) ? image : LOCAL_IMAGE;
	}

	private static @Nullable String setting(String property) {
		String value = System.getProperty(property);
		if (value == null || value.isBlank()) {
			value = System.getenv(property.toUpperCase(Locale.ROOT).replace('.', '_'));
		}
		return (value == null || value.isBlank()) ? null : value;
	}

}
