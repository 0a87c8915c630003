package io.toolgate.dispatcher.startup;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.config.DeploymentMode;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

class DeploymentCheckTests {

	private static final Map<String, String> COMPLETE = Map.of("toolgate.mode", "production",
			"toolgate.upstream.base-url", "https://models.example/v1", "toolgate.upstream.api-key", "sk-1",
			"toolgate.api-keys", "acme:k1", "toolgate.replicas", "3", "REDIS_URL", "redis://redis:6379",
			"toolgate.auth.stream-tokens.keys[0].id", "k1", "toolgate.auth.stream-tokens.keys[0].secret",
			"0123456789abcdef0123456789abcdef");

	@Test
	void completeProductionConfigurationHasNoProblems() {
		DeploymentFacts facts = facts(COMPLETE);

		assertThat(facts.deployment().mode()).isEqualTo(DeploymentMode.PRODUCTION);
		assertThat(facts.deployment().replicas()).isEqualTo(3);
		assertThat(DeploymentCheck.problems(facts)).isEmpty();
	}

	@Test
	void defaultsToDemoModeAndOneReplica() {
		DeploymentFacts facts = facts(Map.of());

		assertThat(facts.deployment().mode()).isEqualTo(DeploymentMode.DEMO);
		assertThat(facts.deployment().replicas()).isEqualTo(1);
		assertThat(DeploymentCheck.problems(facts)).extracting(DeploymentProblem::warnInDemo)
			.as("an empty configuration is a demo, not a mistake")
			.containsOnly(false);
	}

	@Test
	void reportsAMissingUpstreamNamingItsProperty() {
		assertThat(messagesWithout("toolgate.upstream.base-url", "toolgate.upstream.api-key"))
			.containsExactly("No upstream model is configured, so the simulated model answers: set "
					+ "toolgate.upstream.base-url (TOOLGATE_UPSTREAM_BASE_URL) to an OpenAI-compatible API");
	}

	@Test
	void reportsAnUpstreamKeyWithoutBaseUrlInsteadOfAMissingUpstream() {
		var problems = DeploymentCheck.problems(facts(without("toolgate.upstream.base-url")));

		assertThat(problems).singleElement().satisfies(problem -> {
			assertThat(problem.message()).startsWith("toolgate.upstream.api-key (TOOLGATE_UPSTREAM_API_KEY) is set")
				.contains("toolgate.upstream.base-url (TOOLGATE_UPSTREAM_BASE_URL)");
			assertThat(problem.warnInDemo()).isTrue();
		});
	}

	@Test
	void treatsABlankUpstreamKeyAsUnset() {
		Map<String, String> properties = without("toolgate.upstream.base-url");
		properties.put("toolgate.upstream.api-key", " ");

		assertThat(DeploymentCheck.problems(facts(properties))).singleElement()
			.satisfies(problem -> assertThat(problem.message()).startsWith("No upstream model"));
	}

	@Test
	void reportsMissingApiKeys() {
		assertThat(messagesWithout("toolgate.api-keys")).singleElement()
			.asString()
			.startsWith("No API keys are configured")
			.contains("TOOLGATE_API_KEYS", "toolgate.auth.keys");
	}

	@Test
	void acceptsHashedKeysOrDeliberatelyDisabledAuthentication() {
		Map<String, String> hashed = without("toolgate.api-keys");
		hashed.put("toolgate.auth.keys[0].tenant", "acme");
		hashed.put("toolgate.auth.keys[0].sha256", "a".repeat(64));
		Map<String, String> disabled = without("toolgate.api-keys");
		disabled.put("toolgate.auth.enabled", "false");

		assertThat(DeploymentCheck.problems(facts(hashed))).isEmpty();
		assertThat(DeploymentCheck.problems(facts(disabled))).isEmpty();
	}

	@Test
	void reportsAMissingStreamTokenKeyWarningInDemoOnlyForAFleet() {
		var fleet = DeploymentCheck.problems(
				facts(without("toolgate.auth.stream-tokens.keys[0].id", "toolgate.auth.stream-tokens.keys[0].secret")));
		Map<String, String> singleReplica = without("toolgate.auth.stream-tokens.keys[0].id",
				"toolgate.auth.stream-tokens.keys[0].secret");
		singleReplica.put("toolgate.replicas", "1");

		assertThat(fleet).singleElement().satisfies(problem -> {
			assertThat(problem.message()).startsWith("No stream-token key is configured")
				.contains("TOOLGATE_AUTH_STREAMTOKENS_KEYS_0_SECRET");
			assertThat(problem.warnInDemo()).isTrue();
		});
		assertThat(DeploymentCheck.problems(facts(singleReplica))).singleElement()
			.satisfies(problem -> assertThat(problem.warnInDemo()).isFalse());
	}

	@Test
	void reportsSeveralReplicasWithoutRedis() {
		var problems = DeploymentCheck.problems(facts(without("REDIS_URL")));

		assertThat(problems).singleElement().satisfies(problem -> {
			assertThat(problem.message()).startsWith("toolgate.replicas (TOOLGATE_REPLICAS) is 3 but no Redis")
				.contains("REDIS_URL (toolgate.store.redis-url)");
			assertThat(problem.warnInDemo()).isTrue();
		});
	}

	@Test
	void acceptsRedisByPropertyAndOneReplicaWithoutRedis() {
		Map<String, String> byProperty = without("REDIS_URL");
		byProperty.put("toolgate.store.redis-url", "redis://redis:6379");
		Map<String, String> single = without("REDIS_URL");
		single.put("toolgate.replicas", "1");

		assertThat(DeploymentCheck.problems(facts(byProperty))).isEmpty();
		assertThat(DeploymentCheck.problems(facts(single))).isEmpty();
	}

	@Test
	void listsEveryProblemOfAnEmptyProductionConfiguration() {
		Map<String, String> properties = new HashMap<>(Map.of("toolgate.mode", "production", "toolgate.replicas", "2"));

		assertThat(DeploymentCheck.problems(facts(properties))).extracting(DeploymentProblem::message)
			.hasSize(4)
			.anySatisfy(message -> assertThat(message).startsWith("No stream-token key"))
			.anySatisfy(message -> assertThat(message).startsWith("No upstream model"))
			.anySatisfy(message -> assertThat(message).startsWith("No API keys"))
			.anySatisfy(message -> assertThat(message).startsWith("toolgate.replicas (TOOLGATE_REPLICAS) is 2"));
	}

	private static List<String> messagesWithout(String... keys) {
		return DeploymentCheck.problems(facts(without(keys))).stream().map(DeploymentProblem::message).toList();
	}

	private static Map<String, String> without(String... keys) {
		Map<String, String> properties = new HashMap<>(COMPLETE);
		for (String key : keys) {
			properties.remove(key);
		}
		return properties;
	}

	private static DeploymentFacts facts(Map<String, String> properties) {
		MockEnvironment environment = new MockEnvironment();
		properties.forEach(environment::setProperty);
		return DeploymentFacts.of(environment);
	}

}
