package io.toolgate.store.support;

import java.util.List;

import io.toolgate.test.FreePorts;

/**
 * A private standalone Redis for integration tests: a Testcontainers container on the
 * host's network when a Docker engine is reachable, else a local {@code redis-server}
 * process (see {@link RedisContainers} for the choice and its settings). Either way it
 * listens on 127.0.0.1 on a free port, keeps nothing on disk, and can be paused, resumed
 * and restarted to simulate a hung or crashed Redis. Methods block and belong on test
 * threads only. <pre>{@code
 * try (RedisServerProcess redis = RedisServerProcess.start()) {
 *     RedisClient client = RedisClient.create(redis.uri());
 *     ...
 * }
 * }</pre>
 */
public final class RedisServerProcess implements AutoCloseable {

	private final RedisNode node;

	private RedisServerProcess(RedisNode node) {
		this.node = node;
	}

	/**
	 * Tells whether a server can be started: in a container, or with {@code redis-server}
	 * and {@code redis-cli} installed.
	 * @return whether either way is open
	 */
	public static boolean isAvailable() {
		return RedisContainers.enabled() || RedisTools.isInstalled();
	}

	/**
	 * Starts a server on a free port and waits until it answers {@code PING}.
	 * @return the running server
	 * @throws IllegalStateException if neither a container nor {@code redis-server} can
	 * be started, or the server does not come up
	 */
	public static RedisServerProcess start() {
		RedisNode node = new RedisNode(FreePorts.free(), List.of());
		try {
			node.start();
		}
		catch (RuntimeException ex) {
			node.close();
			throw ex;
		}
		return new RedisServerProcess(node);
	}

	/**
	 * The host the server listens on.
	 * @return {@code 127.0.0.1}
	 */
	public String host() {
		return "127.0.0.1";
	}

	/**
	 * The port the server listens on; it stays the same across {@link #restart()}.
	 * @return the port
	 */
	public int port() {
		return this.node.port();
	}

	/**
	 * The server's address for Redis clients.
	 * @return {@code redis://127.0.0.1:<port>}
	 */
	public String uri() {
		return "redis://" + host() + ":" + port();
	}

	/**
	 * Freezes the server (SIGSTOP to the process, {@code docker pause} to the container):
	 * connections stay open but nothing is answered until {@link #resume()}.
	 */
	public void pause() {
		this.node.pause();
	}

	/** Thaws a paused server (SIGCONT, {@code docker unpause}). */
	public void resume() {
		this.node.resume();
	}

	/**
	 * Stops the server and starts a new one on the same port; all data is lost, as after
	 * a crash.
	 */
	public void restart() {
		this.node.stop();
		this.node.start();
	}

	/** Stops the server; {@link #restart()} can start it again. */
	public void stop() {
		this.node.stop();
	}

	/**
	 * Tells whether the process or container is alive (it may be paused).
	 * @return whether it runs
	 */
	public boolean isRunning() {
		return this.node.isRunning();
	}

	/** Stops the server for good and deletes its directory. */
	@Override
	public void close() {
		this.node.close();
	}

}
