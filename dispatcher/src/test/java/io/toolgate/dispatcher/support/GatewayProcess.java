package io.toolgate.dispatcher.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.test.FreePorts;
import io.toolgate.test.LocalProbes;
import io.toolgate.test.ManagedProcess;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The gateway as a separate operating-system process, for tests that need several
 * replicas, a real kill or a real signal. It runs from the test JVM's own class path as a
 * {@link ManagedProcess}, with its output in a temporary directory deleted on
 * {@link #close()}.
 */
public final class GatewayProcess implements AutoCloseable {

	private final ManagedProcess process;

	private final Path directory;

	private GatewayProcess(ManagedProcess process, Path directory) {
		this.process = process;
		this.directory = directory;
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
		return startAsConfigured(all, Map.of(), startTimeout);
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
		try {
			replica.process.awaitManagementHttpNow("/actuator/health/readiness", startTimeout);
			return replica;
		}
		catch (IllegalStateException ex) {
			replica.close();
			throw ex;
		}
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
			int code = process.awaitExit(timeout);
			return new Exit(code, process.log());
		}
	}

	private static GatewayProcess launch(Map<String, Object> properties, Map<String, String> environment) {
		int[] ports = FreePorts.free(2);
		List<String> command = new ArrayList<>(
				List.of(ProcessHandle.current().info().command().orElse("java"), "-Xmx256m", "-XX:TieredStopAtLevel=1",
						"-cp", System.getProperty("java.class.path"), "io.toolgate.dispatcher.ToolgateApplication",
						"--server.port=" + ports[0], "--management.server.port=" + ports[1]));
		properties.forEach((key, value) -> command.add("--" + key + "=" + value));
		try {
			Path directory = Files.createTempDirectory("toolgate-replica");
			return new GatewayProcess(
					ManagedProcess.start("gateway", command, environment, directory, ports[0], ports[1]), directory);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Returns the HTTP status of a GET on the management port, or -1 if the replica does
	 * not answer.
	 */
	public int managementStatus(String path) {
		return LocalProbes.statusNow(this.process.managementPort(), path);
	}

	/**
	 * Returns the HTTP status of a GET on the API port, or -1 if the replica does not
	 * answer.
	 */
	public int status(String path) {
		return LocalProbes.statusNow(this.process.port(), path);
	}

	/** The management base URL: actuator health, probes and metrics. */
	public String managementUrl() {
		return "http://127.0.0.1:" + this.process.managementPort();
	}

	/** The base URL. */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.process.port();
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
		this.process.kill();
	}

	/** Sends SIGTERM and waits for the exit code. */
	public int terminate(Duration timeout) {
		signalTerminate();
		return awaitExit(timeout);
	}

	/** Sends SIGTERM without waiting. */
	public void signalTerminate() {
		this.process.signalTerminate();
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
		return this.process.awaitExitNow(timeout);
	}

	/** Everything the replica printed so far. */
	public String log() {
		return this.process.output();
	}

	/** The last lines of the replica's output. */
	public String logTail() {
		return this.process.tail();
	}

	/** Kills the replica (no drain: tests end fast) and deletes its log. */
	@Override
	public void close() {
		this.process.kill();
		this.process.close();
		try {
			Files.deleteIfExists(this.process.log());
			Files.deleteIfExists(this.directory);
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

}
