package io.toolgate.dispatcher.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * The gateway as a separate operating-system process, for tests that need several replicas, a real kill or a
 * real signal. It runs from the test JVM's own class path.
 */
public final class GatewayProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final Path log;

	private GatewayProcess(Process process, int port, Path log) {
		this.process = process;
		this.port = port;
		this.log = log;
	}

	/**
	 * Starts a replica and waits until it is ready.
	 * @param properties application properties, passed as {@code --key=value}
	 * @param startTimeout how long to wait for readiness
	 */
	public static GatewayProcess start(Map<String, Object> properties, Duration startTimeout) {
		int port = freePort();
		try {
			Path log = Files.createTempFile("toolgate-replica", ".log");
			List<String> command = new ArrayList<>();
			command.add(ProcessHandle.current().info().command().orElse("java"));
			command.add("-Xmx256m");
			command.add("-XX:TieredStopAtLevel=1");
			command.add("-cp");
			command.add(System.getProperty("java.class.path"));
			command.add("io.toolgate.dispatcher.ToolgateApplication");
			command.add("--server.port=" + port);
			command.add("--toolgate.api-keys=acme:" + GatewayApp.ACME_KEY + ",globex:" + GatewayApp.GLOBEX_KEY);
			properties.forEach((key, value) -> command.add("--" + key + "=" + value));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			GatewayProcess replica = new GatewayProcess(process, port, log);
			replica.awaitReady(startTimeout);
			return replica;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void awaitReady(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (System.nanoTime() < deadline) {
			if (!this.process.isAlive()) {
				throw new IllegalStateException("replica exited with " + this.process.exitValue() + ":\n" + logTail());
			}
			if (status("/actuator/health/readiness") == 200) {
				return;
			}
			sleep(100);
		}
		this.process.destroyForcibly();
		throw new IllegalStateException("replica not ready within " + timeout + ":\n" + logTail());
	}

	/** Returns the HTTP status of a GET, or -1 if the replica does not answer. */
	public int status(String path) {
		try {
			HttpURLConnection connection = (HttpURLConnection) URI.create(baseUrl() + path).toURL().openConnection();
			connection.setConnectTimeout(500);
			connection.setReadTimeout(2000);
			int status = connection.getResponseCode();
			connection.disconnect();
			return status;
		}
		catch (IOException ex) {
			return -1;
		}
	}

	/** The base URL. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/** A client sending {@code key} as bearer token. */
	public WebClient client(String key) {
		return WebClient.builder().baseUrl(baseUrl()).defaultHeader("Authorization", "Bearer " + key).build();
	}

	/** The process id. */
	public long pid() {
		return this.process.pid();
	}

	/** Sends SIGKILL: the replica dies without any cleanup. */
	public void kill() {
		this.process.destroyForcibly();
		waitFor(Duration.ofSeconds(10));
	}

	/** Sends SIGTERM and waits for the exit code. */
	public int terminate(Duration timeout) {
		signalTerminate();
		return waitFor(timeout);
	}

	/** Sends SIGTERM without waiting. */
	public void signalTerminate() {
		this.process.destroy();
	}

	/** Whether the process still runs. */
	public boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Waits for the process to exit.
	 * @param timeout how long to wait
	 * @return the exit code, or -1 if it did not exit in time (it is then killed)
	 */
	public int awaitExit(Duration timeout) {
		return waitFor(timeout);
	}

	/** Everything the replica printed so far. */
	public String log() {
		try {
			return Files.readString(this.log);
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	private int waitFor(Duration timeout) {
		try {
			if (!this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				this.process.destroyForcibly();
				this.process.waitFor(5, TimeUnit.SECONDS);
				return -1;
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	/** The last lines of the replica's output. */
	public String logTail() {
		try {
			List<String> lines = Files.readAllLines(this.log);
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex + ")";
		}
	}

	@Override
	public void close() {
		if (this.process.isAlive()) {
			this.process.destroyForcibly();
			waitFor(Duration.ofSeconds(10));
		}
		try {
			Files.deleteIfExists(this.log);
		}
		catch (IOException ex) {
			// a leftover temp file is harmless
		}
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
