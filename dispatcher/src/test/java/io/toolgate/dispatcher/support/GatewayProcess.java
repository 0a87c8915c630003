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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.springframework.web.reactive.function.client.WebClient;

/**
 * The gateway as a separate operating-system process, for tests that need several
 * replicas, a real kill or a real signal. It runs from the test JVM's own class path.
 */
public final class GatewayProcess implements AutoCloseable {

	private final Process process;

	private final int port;

	private final int managementPort;

	private final Path log;

	private GatewayProcess(Process process, int port, int managementPort, Path log) {
		this.process = process;
		this.port = port;
		this.managementPort = managementPort;
		this.log = log;
	}

	/**
	 * Starts a replica with the two tenants' keys of {@link GatewayApp} and waits until
	 * it is ready.
	 * @param properties application properties, passed as {@code --key=value}
	 * @param startTimeout how long to wait for readiness
	 */
	public static GatewayProcess start(Map<String, Object> properties, Duration startTimeout) {
		Map<String, Object> all = new LinkedHashMap<>();
		all.put("toolgate.api-keys", "acme:" + GatewayApp.ACME_KEY + ",globex:" + GatewayApp.GLOBEX_KEY);
		all.putAll(properties);
		GatewayProcess replica = launch(all, Map.of());
		replica.awaitReady(startTimeout);
		return replica;
	}

	/**
	 * Starts a replica with exactly the given configuration (no keys added) and waits
	 * until it is ready.
	 * @param properties application properties, passed as {@code --key=value}
	 * @param environment environment variables on top of this JVM's
	 * @param startTimeout how long to wait for readiness
	 */
	public static GatewayProcess startAsConfigured(Map<String, Object> properties, Map<String, String> environment,
			Duration startTimeout) {
		GatewayProcess replica = launch(properties, environment);
		replica.awaitReady(startTimeout);
		return replica;
	}

	/**
	 * Starts the gateway with exactly the given configuration (no keys added) and waits
	 * for it to exit, for configurations it must refuse.
	 * @param properties application properties, passed as {@code --key=value}
	 * @param environment environment variables on top of this JVM's
	 * @param timeout how long to wait for the exit; a process still running then is
	 * killed
	 * @return the exit code (-1 if it had to be killed) and everything it printed
	 */
	public static Exit runUntilExit(Map<String, Object> properties, Map<String, String> environment, Duration timeout) {
		try (GatewayProcess process = launch(properties, environment)) {
			int code = process.waitFor(timeout);
			return new Exit(code, process.log());
		}
	}

	private static GatewayProcess launch(Map<String, Object> properties, Map<String, String> environment) {
		int port = freePort();
		int managementPort = freePort();
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
			command.add("--management.server.port=" + managementPort);
			properties.forEach((key, value) -> command.add("--" + key + "=" + value));
			ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
			builder.environment().putAll(environment);
			return new GatewayProcess(builder.start(), port, managementPort, log);
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
			if (managementStatus("/actuator/health/readiness") == 200) {
				return;
			}
			sleep(100);
		}
		this.process.destroyForcibly();
		throw new IllegalStateException("replica not ready within " + timeout + ":\n" + logTail());
	}

	/**
	 * Returns the HTTP status of a GET on the management port, or -1 if the replica does
	 * not answer.
	 */
	public int managementStatus(String path) {
		return statusOf(managementUrl() + path);
	}

	/**
	 * Returns the HTTP status of a GET on the API port, or -1 if the replica does not
	 * answer.
	 */
	public int status(String path) {
		return statusOf(baseUrl() + path);
	}

	private static int statusOf(String url) {
		try {
			HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
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

	/** The management base URL: actuator health, probes and metrics. */
	public String managementUrl() {
		return "http://127.0.0.1:" + this.managementPort;
	}

	/** The base URL. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.port;
	}

	/** A client sending {@code key} as bearer token. */
	public WebClient client(String key) {
		return WebClient.builder().baseUrl(baseUrl()).defaultHeader("Authorization", "Bearer " + key).build();
	}

	/** A client without a key. */
	public WebClient anonymousClient() {
		return WebClient.builder().baseUrl(baseUrl()).build();
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

	/**
	 * How a process that was expected to stop ended.
	 *
	 * @param code the exit code, or -1 if it did not exit in time
	 * @param output everything it printed
	 */
	public record Exit(int code, String output) {
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
