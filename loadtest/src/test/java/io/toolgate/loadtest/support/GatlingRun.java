package io.toolgate.loadtest.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.toolgate.loadtest.fleet.Fleet;

/**
 * Runs one Gatling simulation in a JVM of its own (Gatling's event loops must not run
 * under the BlockHound agent this test JVM carries), with system properties as
 * parameters. Its exit code is 0 when every assertion held.
 *
 * @param exitCode the exit code, or -1 when it had to be killed
 * @param output the console output
 */
public record GatlingRun(int exitCode, String output) {

	/**
	 * Runs a simulation, blocking until it ends.
	 * @param simulation the simulation class
	 * @param properties its parameters
	 * @param resultsDirectory where Gatling writes its simulation log
	 * @param timeout how long it may take before it is killed
	 * @return the outcome
	 */
	public static GatlingRun runNow(Class<?> simulation, Map<String, String> properties, Path resultsDirectory,
			Duration timeout) {
		List<String> command = new ArrayList<>();
		command.add(Fleet.javaExecutable());
		command.add("-Xmx512m");
		// Gatling's log writer reads String internals, as the Gatling Maven plugin's
		// forked JVM allows.
		command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
		properties.forEach((name, value) -> command.add("-D" + name + "=" + value));
		command.add("-cp");
		command.add(System.getProperty("java.class.path"));
		command.add("io.gatling.app.Gatling");
		command.addAll(List.of("--simulation", simulation.getName(), "--results-folder", resultsDirectory.toString(),
				"--no-reports"));
		try {
			Files.createDirectories(resultsDirectory);
			Path log = resultsDirectory.resolve(simulation.getSimpleName() + ".log");
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			boolean ended = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			if (!ended) {
				process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
			}
			return new GatlingRun(ended ? process.exitValue() : -1, Files.readString(log));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + simulation.getSimpleName(), ex);
		}
	}

}
