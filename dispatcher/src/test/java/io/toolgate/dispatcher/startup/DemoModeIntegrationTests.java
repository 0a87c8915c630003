package io.toolgate.dispatcher.startup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Demo mode, the default, on a real process started with no keys, an upstream key but no
 * base URL, and two replicas but no Redis: it starts, generates a key it keeps out of the
 * log, and warns about what it cannot honour.
 */
@Timeout(180)
class DemoModeIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static Path keyFile;

	private static GatewayProcess process;

	@BeforeAll
	static void start() throws IOException {
		keyFile = Files.createTempDirectory("toolgate-demo").resolve("dev-key");
		process = GatewayProcess.startAsConfigured(Map.of("toolgate.auth.dev-key-file", keyFile),
				Map.of("TOOLGATE_UPSTREAM_API_KEY", "sk-unused", "TOOLGATE_REPLICAS", "2"), Duration.ofSeconds(90));
	}

	@AfterAll
	static void stop() throws IOException {
		if (process != null) {
			process.close();
		}
		Files.deleteIfExists(keyFile);
		Files.deleteIfExists(keyFile.getParent());
	}

	@Test
	void demoModeWritesTheGeneratedKeyToAnOwnerOnlyFile() throws IOException {
		String key = Files.readString(keyFile).strip();

		assertThat(key).matches("tg-dev-[0-9a-f]{36}");
		assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
		assertThat(modelsStatus("Bearer " + key)).isEqualTo(200);
		assertThat(modelsStatus("Bearer tg-dev-" + "0".repeat(36))).isEqualTo(401);
	}

	@Test
	void demoModeLogsOnlyAPrefixOfTheGeneratedKeyAndWhereTheWholeKeyIs() throws IOException {
		String key = Files.readString(keyFile).strip();

		assertThat(process.log()).doesNotContain(key)
			.contains("generated a key for tenant 'dev' (" + key.substring(0, 11) + "…), written to " + keyFile
					+ " (readable by this user only)");
	}

	@Test
	void demoModeWarnsAboutAnUpstreamKeyWithoutBaseUrl() {
		assertThat(warnings()).anySatisfy(line -> assertThat(line)
			.contains("toolgate.upstream.api-key (TOOLGATE_UPSTREAM_API_KEY) is set but no upstream base URL")
			.contains("set toolgate.upstream.base-url (TOOLGATE_UPSTREAM_BASE_URL)"));
		assertThat(process.log()).doesNotContain("sk-unused");
	}

	@Test
	void demoModeWarnsAboutSeveralReplicasWithoutRedis() {
		assertThat(warnings()).anySatisfy(line -> assertThat(line)
			.contains("toolgate.replicas (TOOLGATE_REPLICAS) is 2 but no Redis is configured"));
	}

	@Test
	void demoModeIsTheDefaultAndServesTheSimulatedModel() throws IOException {
		JsonNode models = process.client(Files.readString(keyFile).strip())
			.get()
			.uri("/v1/models")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);

		assertThat(models.path("data").path(0).path("id").asString()).isEqualTo("toolgate-sim");
		assertThat(process.log()).doesNotContain("APPLICATION FAILED TO START").doesNotContain("Production mode");
	}

	private static List<String> warnings() {
		return process.log().lines().filter(line -> line.contains("WARN")).toList();
	}

	private static int modelsStatus(String authorization) {
		return process.anonymousClient()
			.get()
			.uri("/v1/models")
			.header("Authorization", authorization)
			.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(WAIT);
	}

}
