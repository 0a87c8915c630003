package io.toolgate.dispatcher.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * Writes the demo mode's generated API key to a file only its owner can read, so the log
 * carries just a prefix. Runs once at start-up on the main thread; blocks on the file
 * system.
 */
final class DevKeyFile {

	/** Where the key goes unless {@code toolgate.auth.dev-key-file} says otherwise. */
	static Path defaultPath() {
		return Path.of(System.getProperty("java.io.tmpdir"), "toolgate-dev-key");
	}

	private DevKeyFile() {
	}

	/**
	 * Replaces {@code file} with one holding {@code key} and a newline, readable and
	 * writable by this user only.
	 * @throws InvalidDeploymentException if the file cannot be written
	 */
	static void write(Path file, String key) {
		Path absolute = file.toAbsolutePath();
		try {
			Path directory = absolute.getParent();
			Files.createDirectories(directory);
			// Created owner-only (O_EXCL, no window with wider permissions), then renamed
			// over the target: an
			// existing file or symbolic link at the target is replaced, never written
			// through.
			Path temporary = ownerOnlyTempFile(directory);
			try {
				Files.writeString(temporary, key + "\n", StandardCharsets.US_ASCII);
				move(temporary, absolute);
			}
			finally {
				Files.deleteIfExists(temporary);
			}
		}
		catch (IOException | UnsupportedOperationException ex) {
			throw new InvalidDeploymentException(
					List.of("Cannot write the generated API key to " + absolute + " (" + ex
							+ "): set toolgate.auth.dev-key-file (TOOLGATE_AUTH_DEV_KEY_FILE) to a writable path"),
					"Or configure API keys: TOOLGATE_API_KEYS (tenant:key pairs) or toolgate.auth.keys (SHA-256 hashes).");
		}
	}

	private static Path ownerOnlyTempFile(Path directory) throws IOException {
		if (directory.getFileSystem().supportedFileAttributeViews().contains("posix")) {
			return Files.createTempFile(directory, ".toolgate-dev-key", ".tmp",
					PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
		}
		// Not POSIX (Windows): a new file in a per-user temporary directory inherits that
		// directory's ACL.
		Path temporary = Files.createTempFile(directory, ".toolgate-dev-key", ".tmp");
		temporary.toFile().setReadable(false, false);
		temporary.toFile().setReadable(true, true);
		return temporary;
	}

	private static void move(Path from, Path to) throws IOException {
		try {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
		}
		catch (AtomicMoveNotSupportedException ex) {
			Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
		}
	}

}
