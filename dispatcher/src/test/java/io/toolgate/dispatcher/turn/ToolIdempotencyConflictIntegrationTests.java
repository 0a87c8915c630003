package io.toolgate.dispatcher.turn;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.dispatcher.tool.ToolFanOut;
import io.toolgate.dispatcher.tool.ToolResultFraming;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.redis.RedisIdempotencyStore;
import io.toolgate.store.support.RawRedis;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tool call of a turn whose idempotency key another call of the turn holds is an error
 * result the model sees, and the turn goes on to its answer: the README's promise that a
 * tool failure never fails the turn. The gateway runs in this JVM on a private Redis (its
 * idempotency records are Redis records), with a scripted upstream that gives two calls
 * of one message the same id, as a faulty model may, and a real HTTP tool worker.
 */
@Timeout(120)
class ToolIdempotencyConflictIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = ScriptedUpstream.start(ToolIdempotencyConflictIntegrationTests::script);
		worker = ToolWorker.start(1, Duration.ofMillis(200));
		app = GatewayApp
			.start(Map.of("toolgate.store.redis-url", redis.uri(), "toolgate.upstream.base-url", upstream.baseUrl(),
					"toolgate.tools.registry", TestRegistry.withWeatherWorker(worker.weatherUrl()).toString()));
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, worker, upstream, redis);
	}

	/**
	 * Two calls with one id, then an answer that quotes every tool message the model got.
	 */
	private static Flux<String> script(JsonNode request, int index) {
		JsonNode last = ChatScripts.lastMessage(request);
		if ("tool".equals(last.path("role").asString())) {
			return ChatScripts.text("Results: ", String.join(" | ", ChatScripts.toolResults(request)));
		}
		String prompt = last.path("content").asString();
		String otherCity = prompt.startsWith("#same") ? "Paris" : "Oslo";
		return ChatScripts.toolCalls(new String[] { "call_dup", "weather", "{\"city\":\"Paris\"}" },
				new String[] { "call_dup", "weather", "{\"city\":\"" + otherCity + "\"}" });
	}

	@Test
	void callWhoseIdRanWithOtherArgumentsIsAConflictResultAndTheTurnCompletes() throws IOException {
		assertThat(app.context().getBean(IdempotencyStore.class)).isInstanceOf(RedisIdempotencyStore.class);
		int before = worker.requests();
		List<ServerSentEvent<String>> events = SseClient
			.startTurn(app.client(GatewayApp.ACME_KEY), "conflict-1", "#other weather in two cities")
			.collectList()
			.block(WAIT);

		assertThat(events).extracting(ServerSentEvent::event)
			.containsExactly("turn.started", "tool.call", "tool.call", "tool.result", "tool.result", "token", "token",
					"turn.completed");
		List<JsonNode> results = results(events);
		assertThat(results).extracting(result -> result.path("status").asString())
			.containsExactlyInAnyOrder("ok", "error");
		JsonNode conflict = results.stream()
			.filter(result -> "error".equals(result.path("status").asString()))
			.findFirst()
			.orElseThrow();
		assertThat(conflict.path("callId").asString()).isEqualTo("call_dup");
		assertThat(conflict.path("error").path("type").asString()).isEqualTo(ToolFanOut.IDEMPOTENCY_CONFLICT);
		assertThat(conflict.path("error").path("message").asString()).contains("other arguments");
		assertThat(conflict.path("error").path("retryable").asBoolean()).isFalse();
		assertThat(conflict.path("attempts").asInt()).isZero();
		// Only one of the two calls reached the worker.
		assertThat(worker.requests() - before).isEqualTo(1);

		// The model got both results, the conflict as an error object, and answered.
		JsonNode completed = JSON.readTree(events.get(events.size() - 1).data());
		assertThat(completed.path("reason").asString()).isEqualTo("stop");
		assertThat(completed.path("iterations").asInt()).isEqualTo(2);
		List<JsonNode> toolMessages = toolMessages(upstream.requests().get(upstream.requests().size() - 1));
		assertThat(toolMessages).extracting(message -> message.path("tool_call_id").asString())
			.containsExactly("call_dup", "call_dup");
		assertThat(toolMessages)
			.extracting(message -> JSON.readTree(ToolResultFraming.body(message.path("content").asString())))
			.anySatisfy(content -> assertThat(content.path("error").path("type").asString())
				.isEqualTo(ToolFanOut.IDEMPOTENCY_CONFLICT))
			.anySatisfy(content -> assertThat(content.path("forecast").asString()).isEqualTo("sunny"));
		assertThat(completed.path("content").asString()).contains(ToolFanOut.IDEMPOTENCY_CONFLICT).contains("sunny");

		// The call that ran left its result in Redis under the turn's key for that call
		// id.
		String turnId = JSON.readTree(events.get(0).data()).path("turnId").asString();
		String key = idempotencyKey(turnId);
		JsonNode stored = JSON.readTree(RawRedis.call(redis.port(), WAIT, "HGET", key, "result"));
		assertThat(stored.path("status").asString()).isEqualTo("ok");
		assertThat(stored.path("name").asString()).isEqualTo("weather");
	}

	@Test
	void repeatedCallWithTheSameArgumentsGetsTheFirstCallsResult() {
		int before = worker.requests();
		List<ServerSentEvent<String>> events = SseClient
			.startTurn(app.client(GatewayApp.ACME_KEY), "conflict-2", "#same weather twice")
			.collectList()
			.block(WAIT);

		List<JsonNode> results = results(events);
		assertThat(results).hasSize(2)
			.allSatisfy(result -> assertThat(result.path("status").asString()).isEqualTo("ok"));
		assertThat(results.get(0).path("output")).isEqualTo(results.get(1).path("output"));
		assertThat(worker.requests() - before).isEqualTo(1);
		JsonNode completed = JSON.readTree(events.get(events.size() - 1).data());
		assertThat(completed.path("reason").asString()).isEqualTo("stop");
	}

	private static List<JsonNode> results(List<ServerSentEvent<String>> events) {
		return events.stream()
			.filter(event -> "tool.result".equals(event.event()))
			.map(event -> JSON.readTree(event.data()))
			.toList();
	}

	private static List<JsonNode> toolMessages(JsonNode request) {
		return StreamSupport.stream(request.path("messages").spliterator(), false)
			.filter(message -> "tool".equals(message.path("role").asString()))
			.toList();
	}

	private static String idempotencyKey(String turnId) throws IOException {
		String keys = RawRedis.call(redis.port(), WAIT, "KEYS", "*:idem:*");
		List<String> matching = Arrays.stream(keys.split("\n"))
			.filter(key -> key.contains(turnId) && key.contains("call_dup"))
			.toList();
		assertThat(matching).hasSize(1);
		return matching.get(0);
	}

}
