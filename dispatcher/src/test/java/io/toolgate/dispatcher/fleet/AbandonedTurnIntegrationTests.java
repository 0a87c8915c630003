package io.toolgate.dispatcher.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.GatewayProcess;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
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
 * Streams end with a clear terminal event when the turn behind them cannot go on: a
 * resume of a turn whose replica was killed ends with {@code turn_abandoned} once the
 * turn's lease is gone (instead of heartbeats for as long as the client stays), and a
 * stream whose store stops answering ends with an {@code error} event instead of just
 * closing. Real processes on a private Redis, with takeover off
 * ({@code toolgate.turn.takeover=false}); with takeover on, such turns are continued
 * instead ({@code TakeoverIntegrationTests}).
 */
@Timeout(180)
class AbandonedTurnIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(40);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static GatewayProcess doomed;

	private static GatewayProcess survivor;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		// Every answer starts and then never ends: the turn is running when its replica
		// dies.
		upstream = ScriptedUpstream
			.start((request, index) -> Flux.concat(ChatScripts.text("partial ", "answer").take(2), Flux.never()));
		Map<String, Object> properties = Map.of("toolgate.store.redis-url", redis.uri(), "toolgate.upstream.base-url",
				upstream.baseUrl(), "toolgate.turn.lease-ttl", "3s", "toolgate.store.redis-command-timeout", "500ms",
				"toolgate.ratelimit.backend-timeout", "200ms", "toolgate.turn.takeover", "false");
		doomed = GatewayProcess.start(properties, Duration.ofSeconds(90));
		survivor = GatewayProcess.start(properties, Duration.ofSeconds(90));
	}

	@AfterAll
	static void stop() {
		redis.resume();
		Closeables.closeAll(doomed, survivor, upstream, redis);
	}

	@Test
	void resumeOfATurnWhoseReplicaDiedEndsWithTurnAbandoned() {
		List<ServerSentEvent<String>> head = SseClient
			.startTurn(doomed.client(GatewayApp.ACME_KEY), "orphan-1", "tell me")
			.take(2)
			.collectList()
			.block(WAIT);
		assertThat(head).extracting(ServerSentEvent::event).containsExactly("turn.started", "token");
		String turnId = JSON.readTree(head.get(0).data()).path("turnId").asString();
		doomed.kill();

		List<ServerSentEvent<String>> tail = SseClient
			.resume(survivor.client(GatewayApp.ACME_KEY), "orphan-1", turnId, Long.parseLong(head.get(1).id()))
			.collectList()
			.block(WAIT);

		assertThat(tail).isNotEmpty();
		ServerSentEvent<String> last = tail.get(tail.size() - 1);
		assertThat(last.event()).isEqualTo("turn.error");
		assertThat(JSON.readTree(last.data()).path("code").asString()).isEqualTo("turn_abandoned");
		assertThat(Long.parseLong(last.id())).isGreaterThan(Long.parseLong(head.get(1).id()));
		// A later reader gets the same terminal event from the log.
		List<ServerSentEvent<String>> again = SseClient
			.resume(survivor.client(GatewayApp.ACME_KEY), "orphan-1", turnId, 0)
			.collectList()
			.block(WAIT);
		assertThat(again.get(again.size() - 1).id()).isEqualTo(last.id());
	}

	@Test
	void streamWhoseStoreStopsAnsweringEndsWithAnErrorEvent() {
		WebClient client = survivor.client(GatewayApp.ACME_KEY);
		Flux<ServerSentEvent<String>> stream = SseClient.startTurn(client, "paused-1", "tell me").cache();
		assertThat(stream.take(2).collectList().block(WAIT)).hasSize(2);
		redis.pause();
		try {
			List<ServerSentEvent<String>> all = stream.collectList().block(WAIT);
			ServerSentEvent<String> last = all.get(all.size() - 1);
			assertThat(last.event()).isEqualTo("turn.error");
			JsonNode data = JSON.readTree(last.data());
			assertThat(data.path("code").asString()).isNotBlank();
		}
		finally {
			redis.resume();
		}
	}

}
