package io.toolgate.store.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the local Redis fixtures need from the machine: the {@code redis-server} and
 * {@code redis-cli} executables, temporary directories, log tails and short pauses
 * between polls.
 */
final class RedisTools {

	private RedisTools() {
	}

	static void pauseBriefly() {
		try {
			Thread.sleep(20);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while waiting for redis-server", ex);
		}
	}

	static String tail(File log) {
		try {
			List<String> lines = Files.readAllLines(log.toPath());
			return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	/** Finds a program on the PATH, then in /usr/bin and /usr/local/bin. */
	static Path executable(String name) {
		List<String> dirs = new ArrayList<>();
		String path = System.getenv("PATH");
		if (path != null) {
			dirs.addAll(List.of(path.split(File.pathSeparator)));
		}
		dirs.addAll(List.of("/usr/bin", "/usr/local/bin"));
		return dirs.stream()
			.filter((dir) -> !dir.isEmpty())
			.map((dir) -> Path.of(dir, name))
			.filter(Files::isExecutable)
			.findFirst()
			.orElseThrow(
					() -> new IllegalStateException(name + " not found on the PATH (apt-get install redis-server)"));
	}

	static boolean isInstalled() {
		try {
			executable("redis-server");
			executable("redis-cli");
			return true;
		}
		catch (IllegalStateException ex) {
			return false;
		}
	}

	static Path createTempDir(String prefix) {
		try {
			return Files.createTempDirectory(prefix);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void deleteRecursively(Path dir) {
		if (!Files.exists(dir)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(dir)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// Best effort: a leftover temporary directory is harmless.
		}
	}

}
