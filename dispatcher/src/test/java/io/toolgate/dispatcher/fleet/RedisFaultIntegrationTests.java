package io.toolgate.dispatcher.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.GatewayProcess;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis frozen ({@code SIGSTOP}) and thawed ({@code SIGCONT}) under a running replica:
 * stateful requests get a clear 503, readiness goes DOWN, stateless requests go on under
 * the fail-open limiter, nothing acknowledged is lost, and the replica recovers by
 * itself.
 */
@Timeout(180)
class RedisFaultIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static GatewayProcess replica;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = ScriptedUpstream.start((request, index) -> ChatScripts.text("stored ", "answer"));
		replica = GatewayProcess.start(
				Map.of("toolgate.store.redis-url", redis.uri(), "toolgate.upstream.base-url", upstream.baseUrl(),
						"toolgate.store.redis-command-timeout", "500ms", "toolgate.ratelimit.backend-timeout", "200ms"),
				Duration.ofSeconds(90));
	}

	@AfterAll
	static void stop() throws Exception {
		redis.resume();
		replica.close();
		upstream.close();
		redis.close();
	}

	@Test
	void answersClearlyWhileRedisIsDownAndRecoversByItself() throws InterruptedException {
		WebClient client = replica.client(GatewayApp.ACME_KEY);
		List<ServerSentEvent<String>> before = SseClient.startTurn(client, "fault-1", "remember me")
			.collectList()
			.block(WAIT);
		assertThat(before.get(before.size() - 1).event()).isEqualTo("turn.completed");

		redis.pause();
		try {
			awaitStatus("/actuator/health/readiness", 503);
			var response = client.post()
				.uri("/v1/conversations/{id}/turns", "fault-2")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("content", "while down"))
				.exchangeToMono(r -> r.bodyToMono(JsonNode.class).map(body -> Map.entry(r.statusCode().value(), body)))
				.block(WAIT);
			assertThat(response.getKey()).isEqualTo(503);
			assertThat(response.getValue().path("error").path("code").asString()).isEqualTo("store_unavailable");
			// Stateless completions need no store; the request limit fails open to a
			// per-replica limiter.
			int stateless = client.post()
				.uri("/v1/chat/completions")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(Map.of("model", "m", "messages", List.of(Map.of("role", "user", "content", "hi"))))
				.exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
				.block(WAIT);
			assertThat(stateless).isEqualTo(200);
		}
		finally {
			redis.resume();
		}
		awaitStatus("/actuator/health/readiness", 200);
		JsonNode stored = client.get()
			.uri("/v1/conversations/fault-1")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);
		assertThat(stored.path("messages")).hasSize(2);
		assertThat(client.get()
			.uri("/v1/conversations/fault-2")
			.exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()))
			.block(WAIT)).isEqualTo(404);
		List<ServerSentEvent<String>> after = SseClient.startTurn(client, "fault-1", "still there?")
			.collectList()
			.block(WAIT);
		assertThat(after.get(after.size() - 1).event()).isEqualTo("turn.completed");
	}

	private static void awaitStatus(String path, int expected) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		int status = -1;
		while (System.nanoTime() < deadline) {
			status = replica.managementStatus(path);
			if (status == expected) {
				return;
			}
			Thread.sleep(100);
		}
		throw new AssertionError(path + " stayed " + status + ", expected " + expected + "\n" + replica.logTail());
	}

}
