package io.toolgate.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process listening on 127.0.0.1, with its output in a log file, stopped on
 * {@link #close()} (and at JVM exit, so a failed run leaves nothing behind). Used by
 * tests that start the gateway in a JVM of its own and by the load-test fleet. Every
 * method may block: this is test and tooling code, never called on an event loop.
 */
public class ManagedProcess implements AutoCloseable {

	private final String name;

	private final Process process;

	private final Path log;

	private final int port;

	private final int managementPort;

	private final Thread reaper;

	/**
	 * Wraps a started process listening on {@code port}, with its health and metrics
	 * endpoints on {@code managementPort}, its output in {@code log}.
	 */
	protected ManagedProcess(String name, Process process, Path log, int port, int managementPort) {
		this.name = name;
		this.process = process;
		this.log = log;
		this.port = port;
		this.managementPort = managementPort;
		this.reaper = new Thread(this::stop, "stop-" + name);
		Runtime.getRuntime().addShutdownHook(this.reaper);
	}

	/**
	 * Starts a process that serves operations (health, metrics) on a port of their own,
	 * as the gateway does; pass the same port twice for one that does not.
	 * @param name a short name for messages and the log file
	 * @param command the command line
	 * @param environment extra environment variables
	 * @param logDirectory where {@code <name>.log} is written
	 * @param port the port it will listen on
	 * @param managementPort the port of its health and metrics endpoints
	 * @return the started process, not necessarily ready yet
	 * @throws UncheckedIOException if the process cannot be started
	 */
	public static ManagedProcess start(String name, List<String> command, Map<String, String> environment,
			Path logDirectory, int port, int managementPort) {
		Path log = logDirectory.resolve(name + ".log");
		return new ManagedProcess(name, launch(name, command, environment, log), log, port, managementPort);
	}

	/**
	 * Starts a process with its output in {@code log} (its directory created if missing).
	 * @throws UncheckedIOException if the process cannot be started
	 */
	protected static Process launch(String name, List<String> command, Map<String, String> environment, Path log) {
		try {
			Files.createDirectories(log.toAbsolutePath().getParent());
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().putAll(environment);
			return builder.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + name + ": " + command, ex);
		}
	}

	/** Returns the name. */
	public String name() {
		return this.name;
	}

	/** Returns the port it listens on. */
	public int port() {
		return this.port;
	}

	/** Returns the port of its health and metrics endpoints. */
	public int managementPort() {
		return this.managementPort;
	}

	/** Returns the operating-system process id. */
	public long pid() {
		return this.process.pid();
	}

	/** Returns the log file. */
	public Path log() {
		return this.log;
	}

	/** Returns whether the process still runs. */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Waits until the port accepts connections.
	 * @param timeout the longest wait
	 * @return this process
	 * @throws IllegalStateException if the process dies or the timeout passes first
	 */
	public ManagedProcess awaitPortNow(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			checkAlive();
			if (LocalProbes.acceptsNow(this.port)) {
				return this;
			}
			pause();
		}
		throw notReady(timeout);
	}

	/**
	 * Waits until {@code GET http://127.0.0.1:<port><path>} answers 200.
	 * @param path the path, e.g. {@code /v1/models}
	 * @param timeout the longest wait
	 * @return this process
	 * @throws IllegalStateException if the process dies or the timeout passes first
	 */
	public ManagedProcess awaitHttpNow(String path, Duration timeout) {
		return awaitHttpNow(this.port, path, timeout);
	}

	/**
	 * Waits until {@code GET http://127.0.0.1:<management port><path>} answers 200.
	 * @param path the path, e.g. {@code /actuator/health/readiness}
	 * @param timeout the longest wait
	 * @return this process
	 * @throws IllegalStateException if the process dies or the timeout passes first
	 */
	public ManagedProcess awaitManagementHttpNow(String path, Duration timeout) {
		return awaitHttpNow(this.managementPort, path, timeout);
	}

	private ManagedProcess awaitHttpNow(int port, String path, Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			checkAlive();
			if (LocalProbes.statusNow(port, path) == 200) {
				return this;
			}
			pause();
		}
		throw notReady(timeout);
	}

	/** Sends SIGTERM without waiting. */
	public void signalTerminate() {
		this.process.destroy();
	}

	/** Sends SIGKILL, so the process dies without any cleanup, and waits up to 10 s. */
	public void kill() {
		this.process.destroyForcibly();
		awaitExitNow(Duration.ofSeconds(10));
	}

	/**
	 * Waits for the process to exit; one still running after the timeout is killed.
	 * @param timeout the longest wait
	 * @return the exit code, or -1 if it did not exit in time
	 */
	public int awaitExitNow(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
				return -1;
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/**
	 * Stops the process (SIGTERM, then SIGKILL after 10 s) and forgets its JVM exit hook.
	 */
	@Override
	public void close() {
		stop();
		try {
			Runtime.getRuntime().removeShutdownHook(this.reaper);
		}
		catch (IllegalStateException ex) {
			// Already shutting down: the hook runs anyway.
		}
	}

	private void stop() {
		if (this.process.isAlive()) {
			signalTerminate();
			awaitExitNow(Duration.ofSeconds(10));
		}
	}

	/** Returns everything the process printed so far. */
	public String output() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	/**
	 * Returns the last lines of the log.
	 * @return up to 40 lines
	 */
	public String tail() {
		List<String> lines = output().lines().toList();
		return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
	}

	private void checkAlive() {
		if (!this.process.isAlive()) {
			throw new IllegalStateException(
					this.name + " exited with " + this.process.exitValue() + "; see " + this.log + ":\n" + tail());
		}
	}

	private IllegalStateException notReady(Duration timeout) {
		return new IllegalStateException(this.name + " not ready on port " + this.port + " after " + timeout + "; see "
				+ this.log + ":\n" + tail());
	}

	private static void pause() {
		try {
			Thread.sleep(100);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
