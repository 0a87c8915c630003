package io.toolgate.loadtest.fleet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import io.toolgate.loadtest.ToolWorkerSimulator;
import io.toolgate.loadtest.UpstreamSimulator;
import io.toolgate.test.FreePorts;

/**
 * The processes of one load run, each on a free port, with logs in a work directory,
 * stopped together in reverse order of start. Simulators run in their own JVMs on this
 * JVM's class path, so they share no CPU accounting or heap with the load generator;
 * Toolgate runs from a copy of its jar (rebuilding the original while it runs would break
 * it). Methods block.
 */
public final class Fleet implements AutoCloseable {

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private final Path workDirectory;

	private final Path toolgateJar;

	private final List<ManagedProcess> processes = Collections.synchronizedList(new ArrayList<>());

	private int sequence;

	/**
	 * Creates an empty fleet.
	 * @param workDirectory where logs, registries and the jar copy go
	 * @param toolgateJar the application jar to copy
	 */
	public Fleet(Path workDirectory, Path toolgateJar) {
		this.workDirectory = workDirectory;
		this.toolgateJar = copy(toolgateJar, "toolgate.jar");
	}

	/**
	 * Copies a jar into the work directory, so rebuilding the original does not break the
	 * process started from it.
	 */
	private Path copy(Path jar, String fileName) {
		try {
			Files.createDirectories(this.workDirectory);
			return Files.copy(jar, this.workDirectory.resolve(fileName), StandardCopyOption.REPLACE_EXISTING);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot copy " + jar + " to " + this.workDirectory, ex);
		}
	}

	/** Returns the work directory. */
	public Path workDirectory() {
		return this.workDirectory;
	}

	/**
	 * Starts a private {@code redis-server} that keeps nothing on disk and waits until it
	 * accepts connections.
	 * @return the process; its address is {@code redis://127.0.0.1:<port>}
	 */
	public ManagedProcess redisNow() {
		int port = FreePorts.free();
		List<String> command = List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
				"--save", "", "--appendonly", "no", "--maxclients", "20000", "--dir", this.workDirectory.toString());
		return register(ManagedProcess.start(name("redis"), command, Map.of(), this.workDirectory, port))
			.awaitPortNow(START_TIMEOUT);
	}

	/**
	 * Starts an {@link UpstreamSimulator} and waits until it answers.
	 * @param options its options, e.g. {@code --ttft-ms=20}
	 * @return the process; its base URL is {@code http://127.0.0.1:<port>/v1}
	 */
	public ManagedProcess upstreamNow(List<String> options) {
		return simulator("upstream", UpstreamSimulator.class, options).awaitHttpNow("/v1/models", START_TIMEOUT);
	}

	/**
	 * Starts a {@link ToolWorkerSimulator} and waits until it accepts connections.
	 * @param options its options, e.g. {@code --latency=fixed:100}
	 * @return the process; its URL is {@code http://127.0.0.1:<port>/tool}
	 */
	public ManagedProcess toolWorkerNow(List<String> options) {
		return simulator("tool-worker", ToolWorkerSimulator.class, options).awaitPortNow(START_TIMEOUT);
	}

	/**
	 * Starts a Toolgate replica and waits until it is ready.
	 * @param jvmOptions JVM options, e.g. {@code -Xmx512m}
	 * @param arguments application arguments, e.g.
	 * {@code --toolgate.upstream.base-url=...}
	 * @param environment environment variables, e.g. {@code TOOLGATE_API_KEYS},
	 * {@code REDIS_URL}
	 * @return the process; its base URL is {@code http://127.0.0.1:<port>}, its actuator
	 * (health, metrics) is on {@link ManagedProcess#managementPort()}
	 */
	public ManagedProcess toolgateNow(List<String> jvmOptions, List<String> arguments,
			Map<String, String> environment) {
		int port = FreePorts.free();
		int managementPort = FreePorts.free();
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(this.toolgateJar.toString());
		command.add("--server.port=" + port);
		command.add("--management.server.port=" + managementPort);
		command.addAll(arguments);
		return register(
				ManagedProcess.start(name("toolgate"), command, environment, this.workDirectory, port, managementPort))
			.awaitManagementHttpNow("/actuator/health/readiness", START_TIMEOUT);
	}

	/**
	 * Starts the Boot floor proxy ({@code bench/floor-proxy}) from a copy of its jar and
	 * waits until it accepts connections.
	 * @param jar the floor proxy's jar
	 * @param jvmOptions JVM options, e.g. {@code -Xmx1g}
	 * @param arguments application arguments, e.g.
	 * {@code --floor.upstream=http://127.0.0.1:8081/v1}
	 * @param environment environment variables, e.g. {@code FLOOR_KEY}
	 * @return the process; its base URL is {@code http://127.0.0.1:<port>/v1}
	 */
	public ManagedProcess floorProxyNow(Path jar, List<String> jvmOptions, List<String> arguments,
			Map<String, String> environment) {
		Path copy = copy(jar, "floor-proxy.jar");
		int port = FreePorts.free();
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.addAll(jvmOptions);
		command.add("-jar");
		command.add(copy.toString());
		command.add("--server.port=" + port);
		command.addAll(arguments);
		return register(ManagedProcess.start(name("floor-proxy"), command, environment, this.workDirectory, port))
			.awaitPortNow(START_TIMEOUT);
	}

	/**
	 * Writes a file into the work directory.
	 * @param fileName the file name
	 * @param content its text
	 * @return its path
	 */
	public Path writeFile(String fileName, String content) {
		try {
			return Files.writeString(this.workDirectory.resolve(fileName), content);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Stops one process of this fleet.
	 * @param process the process
	 */
	public void stop(ManagedProcess process) {
		this.processes.remove(process);
		process.close();
	}

	/** Stops every process, the last started first. */
	@Override
	public void close() {
		List<ManagedProcess> started = new ArrayList<>(this.processes);
		Collections.reverse(started);
		started.forEach(ManagedProcess::close);
		this.processes.clear();
	}

	/** Starts a simulator of this module on a free port, without waiting for it. */
	private ManagedProcess simulator(String role, Class<?> mainClass, List<String> options) {
		int port = FreePorts.free();
		List<String> command = javaCommand(List.of("-Xmx512m", "-XX:+UseParallelGC"), mainClass);
		command.add("--port=" + port);
		command.addAll(options);
		return register(ManagedProcess.start(name(role), command, Map.of(), this.workDirectory, port));
	}

	private ManagedProcess register(ManagedProcess process) {
		this.processes.add(process);
		return process;
	}

	private synchronized String name(String base) {
		this.sequence++;
		return base + "-" + this.sequence;
	}

	private static List<String> javaCommand(List<String> jvmOptions, Class<?> mainClass) {
		List<String> command = new ArrayList<>();
		command.add(javaExecutable());
		command.addAll(jvmOptions);
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add(mainClass.getName());
		return command;
	}

	/**
	 * Returns the {@code java} executable of the running JVM, so every process runs on
	 * the same JDK.
	 * @return its path
	 */
	public static String javaExecutable() {
		return Path.of(System.getProperty("java.home"), "bin", "java").toString();
	}

}
