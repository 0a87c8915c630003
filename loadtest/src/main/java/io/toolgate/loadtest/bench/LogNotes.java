package io.toolgate.loadtest.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The report's notes on the WARN and ERROR lines of the processes' logs. */
final class LogNotes {

	private final StringBuilder warnings = new StringBuilder();

	/**
	 * Notes the WARN and ERROR lines of a process's log, if it has any and it can be
	 * read.
	 */
	void add(String phase, Path log) {
		try {
			List<String> lines = Files.readAllLines(log);
			long problems = lines.stream()
				.filter((line) -> line.contains(" ERROR ") || line.contains(" WARN "))
				.count();
			if (problems > 0) {
				this.warnings.append(String.format("- %s: %d WARN/ERROR lines in Toolgate's log; first: `%s`%n", phase,
						problems, first(lines)));
			}
		}
		catch (IOException ex) {
			// No log: nothing to report.
		}
	}

	private static String first(List<String> lines) {
		String line = lines.stream()
			.filter((l) -> l.contains(" ERROR ") || l.contains(" WARN "))
			.findFirst()
			.orElse("")
			.replace("`", "'");
		return line.substring(Math.max(0, line.length() - 240));
	}

	/** Returns the notes' section, or nothing when no log had a problem. */
	String markdown() {
		return this.warnings.isEmpty() ? "" : "## Log notes\n\n" + this.warnings + "\n";
	}

}
