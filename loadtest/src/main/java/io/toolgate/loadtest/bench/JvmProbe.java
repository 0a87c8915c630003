package io.toolgate.loadtest.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.toolgate.loadtest.fleet.ManagedProcess;

/**
 * Reads a Toolgate JVM's heap and other meters through its actuator and triggers full GCs
 * through {@code jcmd}. Blocking.
 */
final class JvmProbe {

	private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*([0-9.Ee+-]+)");

	private static final HttpClient HTTP = HttpClient.newHttpClient();

	private final ManagedProcess process;

	JvmProbe(ManagedProcess process) {
		this.process = process;
	}

	/** Returns the heap in use, in MB, or NaN when the actuator does not answer. */
	double heapUsedMb() {
		return metric("jvm.memory.used?tag=area:heap") / (1024 * 1024);
	}

	/**
	 * Returns a meter's first value from {@code /actuator/metrics}, e.g. a counter's
	 * count, or NaN when the actuator does not answer.
	 * @param nameAndQuery the meter's name, optionally followed by {@code ?tag=key:value}
	 */
	double metric(String nameAndQuery) {
		URI uri = URI.create("http://127.0.0.1:" + this.process.managementPort() + "/actuator/metrics/" + nameAndQuery);
		try {
			String body = HTTP
				.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
			Matcher matcher = VALUE.matcher(body);
			return matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
		}
		catch (IOException ex) {
			return Double.NaN;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return Double.NaN;
		}
	}

	/** Runs {@code jcmd <pid> GC.run} and waits for it. */
	void fullGcNow() {
		String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
		try {
			Process gc = new ProcessBuilder(jcmd, Long.toString(this.process.pid()), "GC.run").redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
			gc.waitFor(60, TimeUnit.SECONDS);
		}
		catch (IOException ex) {
			// No jcmd: the heap is read without a prior GC.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
