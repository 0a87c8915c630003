package io.toolgate.dispatcher.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class DevKeyFileTests {

	@TempDir
	Path directory;

	@Test
	void writesTheKeyReadableByItsOwnerOnly() throws IOException {
		Path file = this.directory.resolve("nested/dev-key");

		DevKeyFile.write(file, "tg-dev-abc");

		assertThat(Files.readString(file)).isEqualTo("tg-dev-abc\n");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
		assertThat(this.directory.resolve("nested")).isDirectoryNotContaining("glob:**.tmp");
	}

	@Test
	void replacesAnExistingFileWithWiderPermissions() throws IOException {
		Path file = Files.writeString(this.directory.resolve("dev-key"), "old\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-rw-rw-"));

		DevKeyFile.write(file, "tg-dev-new");

		assertThat(Files.readString(file)).isEqualTo("tg-dev-new\n");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
	}

	@Test
	void replacesASymbolicLinkInsteadOfWritingThroughIt() throws IOException {
		Path target = Files.writeString(this.directory.resolve("elsewhere"), "untouched\n");
		Path link = Files.createSymbolicLink(this.directory.resolve("dev-key"), target);

		DevKeyFile.write(link, "tg-dev-new");

		assertThat(Files.readString(target)).isEqualTo("untouched\n");
		assertThat(Files.isSymbolicLink(link)).isFalse();
		assertThat(Files.readString(link)).isEqualTo("tg-dev-new\n");
	}

	@Test
	void failsWithTheFixingPropertyWhenTheFileCannotBeWritten() throws IOException {
		Path notADirectory = Files.writeString(this.directory.resolve("plain-file"), "x");

		assertThatExceptionOfType(InvalidDeploymentException.class)
			.isThrownBy(() -> DevKeyFile.write(notADirectory.resolve("dev-key"), "tg-dev-abc"))
			.satisfies(ex -> assertThat(ex.problems()).singleElement()
				.asString()
				.startsWith("Cannot write the generated API key to " + notADirectory.resolve("dev-key"))
				.contains("toolgate.auth.dev-key-file (TOOLGATE_AUTH_DEV_KEY_FILE)"));
	}

}
