package io.toolgate.dispatcher.fleet;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.GatewayProcess;
import io.toolgate.dispatcher.support.TestRegistry;
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
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A turn outlives the replica running it: when that replica is killed, drained past its
 * timeout or loses Redis for longer than the turn's lease, a client resuming on another
 * replica sees the turn taken over and continued after its {@code Last-Event-ID}, with no
 * gap and no duplicate, to {@code turn.completed}; a tool call that was running is not
 * run again. Real processes on a private Redis; the first answer to each prompt stops
 * midway, as if its replica were going, and the model answers in full when asked again.
 */
@Timeout(300)
class TakeoverIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration TOOL_LATENCY = Duration.ofSeconds(4);

	private static final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayProcess survivor;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = ScriptedUpstream.start(TakeoverIntegrationTests::script);
		worker = ToolWorker.start(1, TOOL_LATENCY);
		survivor = replica(Map.of());
	}

	@AfterAll
	static void stop() {
		redis.resume();
		Closeables.closeAll(survivor, worker, upstream, redis);
	}

	private static GatewayProcess replica(Map<String, Object> extra) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("toolgate.store.redis-url", redis.uri());
		properties.put("toolgate.upstream.base-url", upstream.baseUrl());
		properties.put("toolgate.tools.registry", TestRegistry.withWeatherWorker(worker.weatherUrl()).toString());
		properties.put("toolgate.turn.lease-ttl", "3s");
		properties.put("toolgate.store.redis-command-timeout", "1s");
		properties.put("toolgate.ratelimit.backend-timeout", "200ms");
		properties.putAll(extra);
		return GatewayProcess.start(properties, Duration.ofSeconds(90));
	}

	private static Flux<String> script(JsonNode request, int index) {
		JsonNode last = ChatScripts.lastMessage(request);
		if ("tool".equals(last.path("role").asString())) {
			return ChatScripts.text("after tool: ", last.path("content").asString());
		}
		String prompt = last.path("content").asString();
		if (prompt.startsWith("#tool")) {
			return ChatScripts.toolCalls(new String[] { "call_w1", "weather", "{\"city\":\"Oslo\"}" });
		}
		Flux<String> answer = ChatScripts.text("one ", "two ", "three");
		if (attempts.computeIfAbsent(prompt, p -> new AtomicInteger()).getAndIncrement() == 0) {
			// Role chunk, "one ", "two ", then nothing more: the replica asking is about
			// to go.
			return Flux.concat(answer.take(3), Flux.never());
		}
		return answer;
	}

	@Test
	void turnWhoseReplicaIsKilledMidStreamIsContinuedOnAnotherReplica() {
		try (GatewayProcess doomed = replica(Map.of())) {
			List<ServerSentEvent<String>> head = untilToken(doomed, "kill-tokens", "#kill tokens", "two");
			doomed.kill();

			List<ServerSentEvent<String>> tail = resume("kill-tokens", head);

			assertContinuation(head, tail);
			assertThat(completedContent(tail)).isEqualTo("one two three");
			assertWholeLogIsContinuous("kill-tokens", turnId(head));
			String metrics = WebClient.builder()
				.baseUrl(survivor.managementUrl())
				.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(8 * 1024 * 1024))
				.build()
				.get()
				.uri("/actuator/prometheus")
				.retrieve()
				.bodyToMono(String.class)
				.block(WAIT);
			assertThat(metrics).containsPattern("toolgate_turn_takeovers_total\\{[^}]*outcome=\"started\"");
		}
	}

	@Test
	void toolCallRunningWhenItsReplicaIsKilledRunsOnceAndTheModelSeesItInterrupted() throws InterruptedException {
		int before = worker.requests();
		try (GatewayProcess doomed = replica(Map.of())) {
			List<ServerSentEvent<String>> head = SseClient
				.startTurn(doomed.client(GatewayApp.ACME_KEY), "kill-tool", "#tool weather")
				.takeUntil(event -> "tool.call".equals(event.event()))
				.collectList()
				.block(WAIT);
			awaitWorkerRequests(before + 1);
			doomed.kill();

			List<ServerSentEvent<String>> tail = resume("kill-tool", head);

			assertContinuation(head, tail);
			JsonNode result = dataOf(tail, "tool.result");
			assertThat(result.path("callId").asString()).isEqualTo("call_w1");
			assertThat(result.path("error").path("type").asString()).isEqualTo("interrupted");
			assertThat(completedContent(tail)).startsWith("after tool: ").contains("interrupted");
			assertThat(types(tail)).doesNotContain("tool.call");
		}
		// Long enough for a second execution to have reached the worker.
		Thread.sleep(TOOL_LATENCY.toMillis());
		assertThat(worker.requests()).isEqualTo(before + 1);
	}

	@Test
	void turnOfAReplicaDrainedPastItsTimeoutIsContinuedElsewhere() {
		GatewayProcess drained = replica(
				Map.of("toolgate.drain.timeout", "2s", "spring.lifecycle.timeout-per-shutdown-phase", "20s"));
		try (drained) {
			List<ServerSentEvent<String>> head = untilToken(drained, "drained", "#drain", "two");
			assertThat(drained.terminate(Duration.ofSeconds(60))).isEqualTo(143);
			assertThat(drained.log()).contains("Drain timeout").doesNotContain("upstream_stream_cut");

			List<ServerSentEvent<String>> tail = resume("drained", head);

			assertContinuation(head, tail);
			assertThat(completedContent(tail)).isEqualTo("one two three");
			assertThat(tail).noneMatch(event -> event.data().contains("upstream_stream_cut"));
		}
	}

	@Test
	void turnWhoseReplicaLostRedisForLongerThanItsLeaseIsContinued() throws InterruptedException {
		try (GatewayProcess cutOff = replica(Map.of())) {
			List<ServerSentEvent<String>> head = untilToken(cutOff, "paused", "#pause", "two");
			redis.pause();
			try {
				Thread.sleep(5_000);
			}
			finally {
				redis.resume();
			}

			List<ServerSentEvent<String>> tail = resume("paused", head);

			assertContinuation(head, tail);
			assertThat(completedContent(tail)).isEqualTo("one two three");
			assertWholeLogIsContinuous("paused", turnId(head));
		}
	}

	private static List<ServerSentEvent<String>> untilToken(GatewayProcess replica, String conversation, String prompt,
			String text) {
		List<ServerSentEvent<String>> head = SseClient
			.startTurn(replica.client(GatewayApp.ACME_KEY), conversation, prompt)
			.takeUntil(event -> "token".equals(event.event()) && event.data().contains(text))
			.collectList()
			.block(WAIT);
		assertThat(head).isNotEmpty();
		assertThat(head.get(0).event()).isEqualTo("turn.started");
		return head;
	}

	private static List<ServerSentEvent<String>> resume(String conversation, List<ServerSentEvent<String>> head) {
		return SseClient.resume(survivor.client(GatewayApp.ACME_KEY), conversation, turnId(head), lastId(head))
			.collectList()
			.block(WAIT);
	}

	/**
	 * The tail starts right after the head, its ids go up by one, and the turn was
	 * resumed and completed.
	 */
	private static void assertContinuation(List<ServerSentEvent<String>> head, List<ServerSentEvent<String>> tail) {
		assertIdsFollow(lastId(head), tail);
		assertThat(types(tail)).startsWith("turn.resumed").endsWith("turn.completed");
		assertThat(types(tail).stream().filter("turn.resumed"::equals)).hasSize(1);
	}

	private static void assertWholeLogIsContinuous(String conversation, String turnId) {
		List<ServerSentEvent<String>> all = SseClient
			.resume(survivor.client(GatewayApp.ACME_KEY), conversation, turnId, 0)
			.collectList()
			.block(WAIT);
		assertIdsFollow(0, all);
		assertThat(types(all)).startsWith("turn.started").endsWith("turn.completed");
	}

	private static void assertIdsFollow(long after, List<ServerSentEvent<String>> events) {
		assertThat(events).isNotEmpty();
		for (int i = 0; i < events.size(); i++) {
			assertThat(Long.parseLong(events.get(i).id())).as("id of event %d, %s", i, events.get(i))
				.isEqualTo(after + i + 1);
		}
	}

	private static void awaitWorkerRequests(int expected) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (worker.requests() < expected && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(worker.requests()).isEqualTo(expected);
	}

	private static String turnId(List<ServerSentEvent<String>> head) {
		return JSON.readTree(head.get(0).data()).path("turnId").asString();
	}

	private static long lastId(List<ServerSentEvent<String>> events) {
		return Long.parseLong(events.get(events.size() - 1).id());
	}

	private static List<String> types(List<ServerSentEvent<String>> events) {
		return events.stream().map(ServerSentEvent::event).toList();
	}

	private static JsonNode dataOf(List<ServerSentEvent<String>> events, String type) {
		return events.stream()
			.filter(event -> type.equals(event.event()))
			.map(event -> JSON.readTree(event.data()))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no " + type + " in " + types(events)));
	}

	private static String completedContent(List<ServerSentEvent<String>> events) {
		return dataOf(events, "turn.completed").path("content").asString();
	}

}
