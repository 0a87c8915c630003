package io.toolgate.loadtest.fleet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A process of the load-test fleet: the shared {@link io.toolgate.test.ManagedProcess} of
 * the test-support module, plus the resource readings the benchmarks report. Methods
 * block.
 */
public final class ManagedProcess extends io.toolgate.test.ManagedProcess {

	private ManagedProcess(String name, Process process, Path log, int port, int managementPort) {
		super(name, process, log, port, managementPort);
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
		Path log = logDirectory.resolve(name + ".log");
		return new ManagedProcess(name, launch(name, command, environment, log), log, port, managementPort);
	}

	@Override
	public ManagedProcess awaitPortNow(Duration timeout) {
		super.awaitPortNow(timeout);
		return this;
	}

	@Override
	public ManagedProcess awaitHttpNow(String path, Duration timeout) {
		super.awaitHttpNow(path, timeout);
		return this;
	}

	@Override
	public ManagedProcess awaitManagementHttpNow(String path, Duration timeout) {
		super.awaitManagementHttpNow(path, timeout);
		return this;
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

}
