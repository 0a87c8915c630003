package io.toolgate.dispatcher.lifecycle;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.registry.ToolRegistryLoader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.boot.io.ApplicationResourceLoader;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Validates the Kubernetes manifests in {@code k8s/} offline with the Node validator in {@code k8s/validate}:
 * Kustomize rendering, the Kubernetes schemas and Toolgate's policy. Node and npm are required: without them this
 * test fails, it never skips.
 */
@Timeout(300)
class K8sManifestsIntegrationTests {

	private static final Path VALIDATOR = repositoryRoot().resolve("k8s/validate");

	@BeforeAll
	static void installValidator() throws Exception {
		if (!Files.isDirectory(VALIDATOR.resolve("node_modules/kubernetes-models"))) {
			Result install = run("npm", "ci", "--no-audit", "--no-fund");
			assertThat(install.exitCode()).as(install.output()).isZero();
		}
	}

	@Test
	void everyOverlayRendersToValidManifests() throws Exception {
		Result result = run("node", "validate.mjs");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("ok base:", "ok overlays/dev:", "ok overlays/prod:");
	}

	@Test
	void validatorTestsPass() throws Exception {
		Result result = run("node", "--test");
		assertThat(result.exitCode()).as(result.output()).isZero();
		assertThat(result.output()).contains("# fail 0").doesNotContain("# pass 0");
	}

	@Test
	void rejectsBrokenManifest() throws Exception {
		Result result = run("node", "validate.mjs", "--files", "fixtures/invalid/deployment.yaml");
		assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
		assertThat(result.output()).contains("data/spec/replicas must be integer")
			.contains("containers/0 must have required property name");
	}

	@Test
	void toolRegistryConfigMapIsAValidRegistry() throws IOException {
		JsonNode configMap = new YAMLMapper().readTree(
				Files.readString(repositoryRoot().resolve("k8s/base/tools-configmap.yaml"), StandardCharsets.UTF_8));
		String registry = configMap.path("data").path("registry.yaml").asString();
		List<ToolSpec> tools = new ToolRegistryLoader(JsonMapper.builder().build(), Set.of("clock", "calculator"),
				ApplicationResourceLoader.get())
			.parse(registry, "k8s/base/tools-configmap.yaml");
		assertThat(tools).extracting(ToolSpec::name).containsExactly("clock", "calculator");
	}

	private static Result run(String... command) throws Exception {
		Process process = new ProcessBuilder(new ArrayList<>(List.of(command))).directory(VALIDATOR.toFile())
			.redirectErrorStream(true)
			.start();
		byte[] output = process.getInputStream().readAllBytes();
		assertThat(process.waitFor(240, TimeUnit.SECONDS)).isTrue();
		return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
	}

	private static Path repositoryRoot() {
		Path dir = Path.of("").toAbsolutePath();
		while (dir != null && !Files.isDirectory(dir.resolve("k8s/validate"))) {
			dir = dir.getParent();
		}
		if (dir == null) {
			throw new IllegalStateException("k8s/validate not found above " + Path.of("").toAbsolutePath());
		}
		return dir;
	}

	private record Result(int exitCode, String output) {
	}

}
