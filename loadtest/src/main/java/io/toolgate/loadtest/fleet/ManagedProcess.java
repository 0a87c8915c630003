package io.toolgate.loadtest.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A child process with its output in a log file, stopped on {@link #close()} (and at JVM
 * exit, so a failed run leaves nothing behind). Methods block.
 */
public final class ManagedProcess implements AutoCloseable {

	private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final String name;

	private final Process process;

	private final Path log;

	private final int port;

	private final int managementPort;

	private final Thread reaper;

	private ManagedProcess(String name, Process process, Path log, int port, int managementPort) {
		this.name = name;
		this.process = process;
		this.log = log;
		this.port = port;
		this.managementPort = managementPort;
		this.reaper = new Thread(this::kill, "stop-" + name);
		Runtime.getRuntime().addShutdownHook(this.reaper);
	}

	/**
	 * Starts a process.
	 * @param name a short name for messages and the log file
	 * @param command the command line
	 * @param environment extra environment variables
	 * @param logDirectory where {@code <name>.log} is written
	 * @param port the port it will listen on
	 * @return the started process (not necessarily ready: see {@link #awaitPortNow} and
	 * {@link #awaitHttpNow})
	 */
	public static ManagedProcess start(String name, List<String> command, Map<String, String> environment,
			Path logDirectory, int port) {
		return start(name, command, environment, logDirectory, port, port);
	}

	/**
	 * Starts a process that serves operations (health, metrics) on a port of their own,
	 * as Toolgate does.
	 * @param name a short name for messages and the log file
	 * @param command the command line
	 * @param environment extra environment variables
	 * @param logDirectory where {@code <name>.log} is written
	 * @param port the port it will listen on
	 * @param managementPort the port of its health and metrics endpoints
	 * @return the started process (not necessarily ready: see
	 * {@link #awaitManagementHttpNow})
	 */
	public static ManagedProcess start(String name, List<String> command, Map<String, String> environment,
			Path logDirectory, int port, int managementPort) {
		try {
			Files.createDirectories(logDirectory);
			Path log = logDirectory.resolve(name + ".log");
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().putAll(environment);
			return new ManagedProcess(name, builder.start(), log, port, managementPort);
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

	/**
	 * Returns the port of its health and metrics endpoints (the main port unless started
	 * with one of its own).
	 */
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
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
				return this;
			}
			catch (IOException ex) {
				pause();
			}
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
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
			.timeout(Duration.ofSeconds(2))
			.build();
		while (System.nanoTime() < deadline) {
			checkAlive();
			try {
				if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
					return this;
				}
			}
			catch (IOException ex) {
				// Not listening yet.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException("Interrupted while waiting for " + this.name, ex);
			}
			pause();
		}
		throw notReady(timeout);
	}

	/**
	 * Returns the resident set size from {@code /proc/<pid>/status}, in kilobytes, or -1
	 * where unavailable.
	 * @return the RSS in KiB
	 */
	public long rssKib() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
			}
		}
		catch (IOException | NumberFormatException ex) {
			return -1;
		}
		return -1;
	}

	/**
	 * Returns the CPU time the process used so far (user plus system), from
	 * {@code /proc/<pid>/stat}, or -1 where unavailable.
	 * @return milliseconds of CPU
	 */
	public long cpuMillis() {
		return cpuMillis(pid());
	}

	/**
	 * Returns the CPU time a process used so far (user plus system), or -1 where
	 * unavailable.
	 * @param pid the process id
	 * @return milliseconds of CPU
	 */
	public static long cpuMillis(long pid) {
		try {
			String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
			// Fields after the parenthesised command name; utime and stime are the 14th
			// and 15th fields overall.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks * 1000 / 100;
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/** Returns whether the process still runs. */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/** Stops the process: SIGTERM, then SIGKILL after 10 s. */
	@Override
	public void close() {
		kill();
		try {
			Runtime.getRuntime().removeShutdownHook(this.reaper);
		}
		catch (IllegalStateException ex) {
			// Already shutting down: the hook runs anyway.
		}
	}

	private void kill() {
		if (!this.process.isAlive()) {
			return;
		}
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
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

	/**
	 * Returns the last lines of the log.
	 * @return up to 40 lines
	 */
	public String tail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no log)";
		}
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
