package io.toolgate.dispatcher.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.GatewayProcess;
import io.toolgate.store.support.RedisServerProcess;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptGate;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two gateway replicas, each its own process, on one private Redis: a fleet-wide limit, a
 * stream resumed on the other replica, one running turn per conversation across replicas,
 * and a replica killed mid-turn.
 */
@Timeout(180)
class FleetIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(30);

	private static final int REQUEST_LIMIT = 12;

	private static final ScriptGate gate = new ScriptGate();

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static GatewayProcess replicaA;

	private static GatewayProcess replicaB;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = ScriptedUpstream.start(FleetIntegrationTests::script);
		replicaA = GatewayProcess.start(properties(), Duration.ofSeconds(90));
		replicaB = GatewayProcess.start(properties(), Duration.ofSeconds(90));
	}

	private static Map<String, Object> properties() {
		Map<String, Object> properties = new HashMap<>();
		properties.put("toolgate.store.redis-url", redis.uri());
		properties.put("toolgate.upstream.base-url", upstream.baseUrl());
		properties.put("toolgate.turn.lease-ttl", "3s");
		// Tenant globex has a small plan to check the fleet-wide limit; acme keeps the
		// generous default.
		properties.put("toolgate.ratelimit.plans.small.requests-per-minute", REQUEST_LIMIT);
		properties.put("toolgate.ratelimit.tenants.globex", "small");
		return properties;
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(replicaA, replicaB, upstream, redis);
	}

	@BeforeEach
	void newGate() {
		gate.reset();
	}

	private static Flux<String> script(JsonNode request, int index) {
		String content = ChatScripts.lastMessage(request).path("content").asString();
		if (content.startsWith("#slow")) {
			return ChatScripts
				.text("one ", "two ", "three ", "four ", "five ", "six ", "seven ", "eight ", "nine ", "ten")
				.delayElements(Duration.ofMillis(60));
		}
		if (content.startsWith("#gate")) {
			Flux<String> all = ChatScripts.text("held ", "then ", "released");
			return gate.hold(all, 2);
		}
		if (content.startsWith("#hang")) {
			return Flux.concat(ChatScripts.text("partial ", "never").take(2), Flux.never());
		}
		return ChatScripts.text("ok: ", content);
	}

	@Test
	void fleetWideLimitAdmitsExactlyItsCapacityAcrossReplicas() {
		int extra = 6;
		List<Integer> statuses = new ArrayList<>();
		for (int i = 0; i < REQUEST_LIMIT + extra; i++) {
			GatewayProcess replica = (i % 2 == 0) ? replicaA : replicaB;
			statuses.add(replica.client(GatewayApp.GLOBEX_KEY)
				.get()
				.uri("/v1/tools")
				.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
				.block(WAIT));
		}
		assertThat(statuses).filteredOn(status -> status == 200).hasSize(REQUEST_LIMIT);
		assertThat(statuses).filteredOn(status -> status == 429).hasSize(extra);
	}

	@Test
	void resumesOnTheOtherReplicaWithEveryRemainingEventOnceAndInOrder() {
		WebClient onA = replicaA.client(GatewayApp.ACME_KEY);
		List<ServerSentEvent<String>> head = SseClient.startTurn(onA, "fleet-resume", "#slow story")
			.take(4)
			.collectList()
			.block(WAIT);
		String turnId = JSON.readTree(head.get(0).data()).path("turnId").asString();
		long lastSeen = Long.parseLong(head.get(head.size() - 1).id());
		List<ServerSentEvent<String>> tail = SseClient
			.resume(replicaB.client(GatewayApp.ACME_KEY), "fleet-resume", turnId, lastSeen)
			.collectList()
			.block(WAIT);
		List<Long> ids = new ArrayList<>();
		head.forEach(event -> ids.add(Long.parseLong(event.id())));
		tail.forEach(event -> ids.add(Long.parseLong(event.id())));
		for (int i = 0; i < ids.size(); i++) {
			assertThat(ids.get(i)).isEqualTo(i + 1);
		}
		assertThat(tail).isNotEmpty();
		assertThat(tail.get(tail.size() - 1).event()).isEqualTo("turn.completed");
		String content = JSON.readTree(tail.get(tail.size() - 1).data()).path("content").asString();
		assertThat(content).startsWith("one two three").endsWith("ten");
	}

	@Test
	void admitsExactlyOneOfTwoConcurrentTurnsOnOneConversation() {
		Mono<Integer> onA = status(replicaA, "fleet-race", "#gate first");
		Mono<Integer> onB = status(replicaB, "fleet-race", "#gate second");
		List<Integer> statuses = Flux.merge(onA, onB).collectList().block(WAIT);
		assertThat(statuses).containsExactlyInAnyOrder(200, 409);
		gate.open();
	}

	private static Mono<Integer> status(GatewayProcess replica, String conversation, String content) {
		return replica.client(GatewayApp.ACME_KEY)
			.post()
			.uri("/v1/conversations/{id}/turns", conversation)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("content", content))
			.retrieve()
			.bodyToFlux(String.class)
			// The admitted turn's stream stays open while the gate is shut: its first
			// bytes prove the 200.
			.take(1)
			.then(Mono.just(200))
			.onErrorResume(WebClientResponseException.class, ex -> Mono.just(ex.getStatusCode().value()));
	}

	@Test
	void aReplicaKilledMidTurnLeavesTheConversationConsistentAndUsableAfterItsLease() throws Exception {
		GatewayProcess doomed = GatewayProcess.start(properties(), Duration.ofSeconds(90));
		try {
			SseClient.startTurn(doomed.client(GatewayApp.ACME_KEY), "fleet-crash", "#hang forever")
				.filter(event -> "token".equals(event.event()))
				.take(1)
				.blockLast(WAIT);
			doomed.kill();
		}
		finally {
			doomed.close();
		}
		WebClient onB = replicaB.client(GatewayApp.ACME_KEY);
		JsonNode conversation = conversation(onB, "fleet-crash");
		// The user's message was stored when the turn began; the cut-off answer was never
		// stored as complete.
		assertThat(conversation.path("messages")).hasSize(1);
		assertThat(conversation.path("messages").get(0).path("role").asString()).isEqualTo("user");
		// The dead replica's lease still holds the conversation until it expires, then a
		// turn runs normally.
		long deadline = System.nanoTime() + WAIT.toNanos();
		List<ServerSentEvent<String>> events = null;
		while (events == null && System.nanoTime() < deadline) {
			try {
				events = SseClient.startTurn(onB, "fleet-crash", "are you there?").collectList().block(WAIT);
			}
			catch (WebClientResponseException ex) {
				assertThat(ex.getStatusCode().value()).isEqualTo(409);
				Thread.sleep(250);
			}
		}
		assertThat(events).isNotNull();
		assertThat(events.get(events.size() - 1).event()).isEqualTo("turn.completed");
		List<String> roles = new ArrayList<>();
		conversation(onB, "fleet-crash").path("messages").forEach(m -> roles.add(m.path("role").asString()));
		assertThat(roles).containsExactly("user", "user", "assistant");
	}

	private static JsonNode conversation(WebClient client, String id) {
		return client.get().uri("/v1/conversations/{id}", id).retrieve().bodyToMono(JsonNode.class).block(WAIT);
	}

}
