package io.toolgate.loadtest.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Where a JFR recording's CPU samples went: the hottest top frames (self time) and the
 * hottest Toolgate frames anywhere on the stack, from
 * {@code jfr print --events jdk.ExecutionSample}. Blocking.
 */
final class JfrSummary {

	private JfrSummary() {
	}

	static String markdownNow(Path recording, int top) {
		if (!Files.exists(recording)) {
			return "(no recording at " + recording + ")\n";
		}
		String jfr = Path.of(System.getProperty("java.home"), "bin", "jfr").toString();
		Map<String, Integer> self = new HashMap<>();
		Map<String, Integer> toolgate = new HashMap<>();
		int samples = 0;
		try {
			Process process = new ProcessBuilder(jfr, "print", "--stack-depth", "64", "--events", "jdk.ExecutionSample",
					recording.toString())
				.redirectErrorStream(true)
				.start();
			try (BufferedReader reader = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				boolean inStack = false;
				boolean first = false;
				java.util.Set<String> seen = new java.util.HashSet<>();
				String line;
				while ((line = reader.readLine()) != null) {
					String text = line.trim();
					if (text.startsWith("stackTrace = [")) {
						inStack = true;
						first = true;
						seen.clear();
						samples++;
						continue;
					}
					if (!inStack) {
						continue;
					}
					if (text.startsWith("]")) {
						inStack = false;
						continue;
					}
					String frame = text.replaceAll("\\s+line:.*$", "");
					if (first) {
						self.merge(frame, 1, Integer::sum);
						first = false;
					}
					if (frame.startsWith("io.toolgate.") && seen.add(frame)) {
						toolgate.merge(frame, 1, Integer::sum);
					}
				}
			}
			process.waitFor(5, TimeUnit.MINUTES);
		}
		catch (IOException ex) {
			return "(jfr print failed: " + ex.getMessage() + ")\n";
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return "(interrupted)\n";
		}
		return "CPU samples: " + samples + "\n\nHottest top frames (self):\n\n" + table(self, samples, top)
				+ "\nHottest Toolgate frames (anywhere on the stack):\n\n" + table(toolgate, samples, top);
	}

	private static String table(Map<String, Integer> counts, int samples, int top) {
		StringBuilder out = new StringBuilder("| samples | share | frame |\n| ---: | ---: | --- |\n");
		counts.entrySet()
			.stream()
			.sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
			.limit(top)
			.forEach((entry) -> out.append(String.format("| %d | %.1f%% | `%s` |%n", entry.getValue(),
					100.0 * entry.getValue() / Math.max(1, samples), entry.getKey())));
		return out.toString();
	}

}
