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
import tools.jackson.databind.node.MissingNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Validates the Kubernetes manifests in {@code k8s/} offline with the Node validator in
 * {@code k8s/validate}: Kustomize rendering, the Kubernetes schemas and Toolgate's
 * policy. Node and npm are required: without them this test fails, it never skips.
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
	void prodOverlayRunsInProductionModeWithTheUpstreamFromAConfigMap() throws Exception {
		Result result = run("node", "validate.mjs", "--print", "prod");
		assertThat(result.exitCode()).as(result.output()).isZero();
		List<JsonNode> objects = new YAMLMapper().readerFor(JsonNode.class)
			.<JsonNode>readValues(result.output())
			.readAll();

		JsonNode container = find(objects, "Deployment", "toolgate").at("/spec/template/spec/containers/0");
		assertThat(env(container, "TOOLGATE_MODE").path("value").asString()).isEqualTo("production");
		JsonNode ref = env(container, "TOOLGATE_UPSTREAM_BASE_URL").at("/valueFrom/configMapKeyRef");
		JsonNode configMap = find(objects, "ConfigMap", ref.path("name").asString());
		assertThat(configMap.path("data").path(ref.path("key").asString()).asString()).startsWith("https://");
		int maxReplicas = find(objects, "HorizontalPodAutoscaler", "toolgate").at("/spec/maxReplicas").asInt();
		assertThat(env(container, "TOOLGATE_REPLICAS").path("value").asInt()).isGreaterThanOrEqualTo(maxReplicas);
		assertThat(env(container, "REDIS_URL").isMissingNode()).isFalse();
	}

	@Test
	void servicesExposeOnlyTheApiPortAndMetricsAreScrapedFromTheManagementPort() throws Exception {
		Result result = run("node", "validate.mjs", "--print", "prod");
		List<JsonNode> objects = new YAMLMapper().readerFor(JsonNode.class)
			.<JsonNode>readValues(result.output())
			.readAll();

		assertThat(find(objects, "Service", "toolgate").path("spec")
			.path("ports")
			.valueStream()
			.map(port -> port.path("name").asString())).containsExactly("http");
		JsonNode endpoint = find(objects, "PodMonitor", "toolgate").at("/spec/podMetricsEndpoints/0");
		assertThat(endpoint.path("port").asString()).isEqualTo("management");
		assertThat(endpoint.path("path").asString()).isEqualTo("/actuator/prometheus");
		JsonNode container = find(objects, "Deployment", "toolgate").at("/spec/template/spec/containers/0");
		assertThat(container.at("/readinessProbe/httpGet/port").asString()).isEqualTo("management");
		assertThat(container.at("/livenessProbe/httpGet/port").asString()).isEqualTo("management");
	}

	@Test
	void validatorRejectsAProdOverlayInDemoMode() throws Exception {
		Result result = run("node", "validate.mjs", "--dir", "fixtures/gateway/prod-in-demo-mode");
		assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
		assertThat(result.output()).contains(
				"Deployment/toolgate: a prod workload must set TOOLGATE_MODE=production, not nothing (demo mode)");
	}

	@Test
	void validatorRejectsAnUpstreamBaseUrlOutsideAConfigMap() throws Exception {
		Result result = run("node", "validate.mjs", "--dir", "fixtures/gateway/prod-without-upstream");
		assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
		assertThat(result.output()).contains("production mode needs TOOLGATE_UPSTREAM_BASE_URL from a ConfigMap key");
	}

	@Test
	void validatorRejectsAServiceExposingTheManagementPort() throws Exception {
		Result result = run("node", "validate.mjs", "--dir", "fixtures/gateway/public-management-port");
		assertThat(result.exitCode()).as(result.output()).isEqualTo(1);
		assertThat(result.output()).contains("Service/toolgate must not expose the management port 9090");
	}

	@Test
	void egressToAnInClusterModelServerIsAllowedByConfiguration() throws Exception {
		Result allowed = run("node", "validate.mjs", "--dir", "fixtures/gateway/in-cluster-model");
		Result blocked = run("node", "validate.mjs", "--dir", "fixtures/gateway/in-cluster-model-without-egress");

		assertThat(allowed.exitCode()).as(allowed.output()).isZero();
		assertThat(blocked.exitCode()).as(blocked.output()).isEqualTo(1);
		assertThat(blocked.output()).contains("no NetworkPolicy allows egress to the upstream ollama.models.svc:11434");
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

	private static JsonNode find(List<JsonNode> objects, String kind, String name) {
		return objects.stream()
			.filter(o -> o.path("kind").asString().equals(kind) && o.at("/metadata/name").asString().equals(name))
			.findFirst()
			.orElseThrow(() -> new AssertionError(kind + "/" + name + " not rendered"));
	}

	private static JsonNode env(JsonNode container, String name) {
		return container.path("env")
			.valueStream()
			.filter(variable -> variable.path("name").asString().equals(name))
			.findFirst()
			.orElse(MissingNode.getInstance());
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
