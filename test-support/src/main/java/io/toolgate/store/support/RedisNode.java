package io.toolgate.store.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.jspecify.annotations.Nullable;
import org.testcontainers.containers.GenericContainer;

/**
 * One {@code redis-server} listening on 127.0.0.1, without persistence: in a container on
 * the host's network when {@link RedisContainers#enabled()}, otherwise a local process
 * with its working directory and log in a temporary directory of its own. It can be
 * stopped and started again on the same port (a new container or process each time);
 * {@link #close()} stops it for good and deletes the directory. A JVM shutdown hook does
 * both if the test forgets to.
 */
final class RedisNode {

	static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(15);

	private static final Duration PING_TIMEOUT = Duration.ofMillis(500);

	private final int port;

	private final Path dir;

	private final List<String> extraArgs;

	private final boolean inContainer;

	private volatile @Nullable Process process;

	private volatile @Nullable GenericContainer<?> container;

	private final Thread shutdownHook;

	private boolean paused;

	RedisNode(int port, List<String> extraArgs) {
		this.port = port;
		this.dir = RedisTools.createTempDir("toolgate-redis-" + port + "-");
		this.extraArgs = List.copyOf(extraArgs);
		this.inContainer = RedisContainers.enabled();
		this.shutdownHook = new Thread(this::kill, "redis-" + port + "-cleanup");
		Runtime.getRuntime().addShutdownHook(this.shutdownHook);
	}

	Path dir() {
		return this.dir;
	}

	int port() {
		return this.port;
	}

	synchronized void start() {
		if (this.inContainer) {
			startContainer();
		}
		else {
			startProcess();
		}
	}

	private void startContainer() {
		// No --dir: the image's working directory (/data) holds a cluster node's
		// nodes.conf.
		List<String> args = new ArrayList<>(List.of("--port", Integer.toString(this.port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--daemonize", "no", "--logfile", ""));
		args.addAll(this.extraArgs);
		GenericContainer<?> started = RedisContainers.create(args);
		started.start();
		this.container = started;
		awaitPing(() -> started.getLogs());
	}

	private void startProcess() {
		List<String> command = new ArrayList<>(List.of(RedisTools.executable("redis-server").toString(), "--port",
				Integer.toString(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir",
				this.dir.toString(), "--daemonize", "no", "--logfile", ""));
		command.addAll(this.extraArgs);
		File log = this.dir.resolve("redis-" + this.port + ".log").toFile();
		try {
			Process started = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log))
				.start();
			this.process = started;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start redis-server on port " + this.port, ex);
		}
		awaitPing(() -> RedisTools.tail(log));
	}

	synchronized void stop() {
		GenericContainer<?> inContainer = this.container;
		if (inContainer != null) {
			if (this.paused) {
				resume();
			}
			inContainer.stop();
			this.container = null;
			return;
		}
		Process running = this.process;
		if (running == null) {
			return;
		}
		if (this.paused) {
			resume();
		}
		running.destroy();
		try {
			if (!running.waitFor(5, TimeUnit.SECONDS)) {
				running.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			running.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		this.process = null;
	}

	synchronized void close() {
		stop();
		try {
			Runtime.getRuntime().removeShutdownHook(this.shutdownHook);
		}
		catch (IllegalStateException ex) {
			// The JVM is already shutting down and runs the hook itself.
		}
		RedisTools.deleteRecursively(this.dir);
	}

	synchronized void pause() {
		freeze(true);
	}

	synchronized void resume() {
		freeze(false);
	}

	/**
	 * SIGSTOP/SIGCONT to a process, {@code docker pause}/{@code unpause} to a container.
	 */
	private void freeze(boolean frozen) {
		GenericContainer<?> inContainer = this.container;
		if (inContainer != null) {
			RedisContainers.freeze(inContainer, frozen);
		}
		else {
			signal(frozen ? "-STOP" : "-CONT");
		}
		this.paused = frozen;
	}

	synchronized boolean isRunning() {
		GenericContainer<?> inContainer = this.container;
		if (inContainer != null) {
			return inContainer.isRunning();
		}
		return this.process != null && this.process.isAlive();
	}

	private boolean isUp() {
		GenericContainer<?> inContainer = this.container;
		return (inContainer != null) ? inContainer.isRunning() : this.process != null && this.process.isAlive();
	}

	private void signal(String signal) {
		Process running = this.process;
		if (running == null) {
			throw new IllegalStateException("redis-server on port " + this.port + " is not running");
		}
		try {
			Process kill = new ProcessBuilder("kill", signal, Long.toString(running.pid())).start();
			if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
				throw new IllegalStateException("kill " + signal + " " + running.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while signalling redis-server", ex);
		}
	}

	private void awaitPing(Supplier<String> log) {
		long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
		while (System.nanoTime() < deadline) {
			if (!isUp()) {
				String output = log.get();
				stop();
				throw new IllegalStateException("redis-server on port " + this.port + " exited: " + output);
			}
			if (RawRedis.ping(this.port, PING_TIMEOUT)) {
				return;
			}
			RedisTools.pauseBriefly();
		}
		String output = log.get();
		stop();
		throw new IllegalStateException("redis-server on port " + this.port + " did not answer PING: " + output);
	}

	/** Last resort at JVM exit: no locking, no waiting beyond a moment. */
	private void kill() {
		GenericContainer<?> inContainer = this.container;
		if (inContainer != null) {
			try {
				inContainer.stop();
			}
			catch (RuntimeException ex) {
				// The engine may be gone already; Testcontainers' own hook removes what
				// is left.
			}
		}
		Process running = this.process;
		if (running != null) {
			running.destroyForcibly();
			try {
				running.waitFor(2, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		RedisTools.deleteRecursively(this.dir);
	}

}
