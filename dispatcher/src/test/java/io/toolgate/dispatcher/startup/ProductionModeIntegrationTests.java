package io.toolgate.dispatcher.startup;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.GatewayProcess;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptedUpstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Production mode refuses, at start-up of a real process, every configuration that would
 * quietly fall back to a demo default, with one readable line per problem that names the
 * property fixing it and no stack trace; and it starts when everything is there.
 */
@Timeout(180)
class ProductionModeIntegrationTests {

	private static final Duration EXIT_TIMEOUT = Duration.ofSeconds(90);

	private static final String UNREACHABLE_UPSTREAM = "http://127.0.0.1:9/v1";

	private static final String STREAM_TOKEN_SECRET = "0123456789abcdef0123456789abcdef";

	@Test
	void productionModeRefusesToStartWithoutUpstream() {
		GatewayProcess.Exit exit = GatewayProcess.runUntilExit(
				Map.of("toolgate.mode", "production", "toolgate.api-keys", "acme:k1"), withStreamTokenKey(),
				EXIT_TIMEOUT);

		assertRefusedWith(exit, "toolgate.mode=production: No upstream model is configured, so the simulated model "
				+ "answers: set toolgate.upstream.base-url (TOOLGATE_UPSTREAM_BASE_URL) to an OpenAI-compatible API");
	}

	@Test
	void productionModeSetByEnvironmentVariableRefusesToStartWithoutUpstream() {
		GatewayProcess.Exit exit = GatewayProcess.runUntilExit(Map.of("toolgate.api-keys", "acme:k1"),
				withStreamTokenKey("TOOLGATE_MODE", "production"), EXIT_TIMEOUT);

		assertRefusedWith(exit, "toolgate.mode=production: No upstream model is configured, so the simulated model "
				+ "answers: set toolgate.upstream.base-url (TOOLGATE_UPSTREAM_BASE_URL) to an OpenAI-compatible API");
	}

	@Test
	void productionModeRefusesUpstreamKeyWithoutBaseUrl() {
		GatewayProcess.Exit exit = GatewayProcess.runUntilExit(
				Map.of("toolgate.mode", "production", "toolgate.api-keys", "acme:k1"),
				withStreamTokenKey("TOOLGATE_UPSTREAM_API_KEY", "sk-test"), EXIT_TIMEOUT);

		assertRefusedWith(exit,
				"toolgate.mode=production: toolgate.upstream.api-key (TOOLGATE_UPSTREAM_API_KEY) is set "
						+ "but no upstream base URL, so the key is unused and the simulated model answers: set "
						+ "toolgate.upstream.base-url (TOOLGATE_UPSTREAM_BASE_URL)");
	}

	@Test
	void productionModeRefusesToStartWithoutApiKeys() {
		GatewayProcess.Exit exit = GatewayProcess.runUntilExit(
				Map.of("toolgate.mode", "production", "toolgate.upstream.base-url", UNREACHABLE_UPSTREAM),
				withStreamTokenKey(), EXIT_TIMEOUT);

		assertRefusedWith(exit, "toolgate.mode=production: No API keys are configured, so a key would be generated: "
				+ "set TOOLGATE_API_KEYS (toolgate.api-keys, tenant:key pairs) or toolgate.auth.keys (SHA-256 hashes)");
		assertThat(exit.output()).doesNotContain("tg-dev-");
	}

	@Test
	void productionModeRefusesSeveralReplicasWithoutRedis() {
		GatewayProcess.Exit exit = GatewayProcess
			.runUntilExit(
					Map.of("toolgate.mode", "production", "toolgate.upstream.base-url", UNREACHABLE_UPSTREAM,
							"toolgate.api-keys", "acme:k1"),
					withStreamTokenKey("TOOLGATE_REPLICAS", "3"), EXIT_TIMEOUT);

		assertRefusedWith(exit, "toolgate.mode=production: toolgate.replicas (TOOLGATE_REPLICAS) is 3 but no Redis is "
				+ "configured, so each replica keeps its own conversations, turn logs and rate limits: set REDIS_URL "
				+ "(toolgate.store.redis-url)");
	}

	@Test
	void productionModeReportsEveryProblemAtOnce() {
		GatewayProcess.Exit exit = GatewayProcess
			.runUntilExit(Map.of("toolgate.mode", "production", "toolgate.replicas", 2), Map.of(), EXIT_TIMEOUT);

		assertThat(exit.code()).as(exit.output()).isPositive();
		assertThat(problemLines(exit.output())).hasSize(4)
			.anySatisfy(line -> assertThat(line).contains("No stream-token key"))
			.anySatisfy(line -> assertThat(line).contains("No upstream model"))
			.anySatisfy(line -> assertThat(line).contains("No API keys"))
			.anySatisfy(line -> assertThat(line).contains("no Redis"));
	}

	@Test
	void productionModeStartsWithUpstreamKeysAndRedisForSeveralReplicas() {
		try (RedisServerProcess redis = RedisServerProcess.start();
				ScriptedUpstream upstream = ScriptedUpstream
					.start((request, index) -> ChatScripts.text("from ", "the upstream"));
				GatewayApp app = GatewayApp.start(Map.of("toolgate.mode", "production", "toolgate.replicas", 3,
						"toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.store.redis-url", redis.uri(),
						"toolgate.auth.stream-tokens.keys[0].id", "k1", "toolgate.auth.stream-tokens.keys[0].secret",
						STREAM_TOKEN_SECRET))) {
			JsonNode completion = app.client(GatewayApp.ACME_KEY)
				.post()
				.uri("/v1/chat/completions")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("model", "m", "messages", List.of(Map.of("role", "user", "content", "hi"))))
				.retrieve()
				.bodyToMono(JsonNode.class)
				.block(Duration.ofSeconds(20));

			assertThat(completion.path("choices").path(0).path("message").path("content").asString())
				.isEqualTo("from the upstream");
			assertThat(upstream.requests()).hasSize(1);
			Integer demoPage = app.anonymousClient()
				.get()
				.uri("/")
				.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
				.block(Duration.ofSeconds(20));
			assertThat(demoPage).as("no demo page in production mode").isEqualTo(404);
		}
	}

	private static void assertRefusedWith(GatewayProcess.Exit exit, String line) {
		assertThat(exit.code()).as("exit code; output:%n%s", exit.output()).isPositive();
		assertThat(problemLines(exit.output())).as(exit.output()).containsExactly(line);
		assertThat(exit.output()).contains("APPLICATION FAILED TO START")
			.contains("run in demo mode (TOOLGATE_MODE=demo)");
		assertThat(exit.output().lines()).as("no stack trace in the output")
			.noneMatch(output -> output.stripLeading().startsWith("at ") || output.startsWith("Caused by:")
					|| output.contains("Exception in thread"));
		assertThat(exit.output()).as("refused before serving anything").doesNotContain("Netty started");
	}

	/**
	 * The environment of a process given a stream-token key, as an operator sets it, plus
	 * {@code more} pairs.
	 */
	private static Map<String, String> withStreamTokenKey(String... more) {
		Map<String, String> environment = new HashMap<>(Map.of("TOOLGATE_AUTH_STREAMTOKENS_KEYS_0_ID", "k1",
				"TOOLGATE_AUTH_STREAMTOKENS_KEYS_0_SECRET", STREAM_TOKEN_SECRET));
		for (int i = 0; i < more.length; i += 2) {
			environment.put(more[i], more[i + 1]);
		}
		return environment;
	}

	private static List<String> problemLines(String output) {
		return output.lines().filter(line -> line.startsWith("toolgate.mode=production: ")).toList();
	}

}
