package io.toolgate.dispatcher.fleet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.support.GatewayApp;
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
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Resumable chat completions over real HTTP: two gateways sharing a private Redis and a
 * scripted upstream. A stream cut anywhere is read on, on either replica, after its
 * {@code Last-Event-ID}, with no gap and no duplicate.
 */
@Timeout(90)
class ResumableCompletionsIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final List<String> PACED = List.of("one ", "two ", "three ", "four ", "five ", "six ", "seven ",
			"eight");

	private static final ScriptGate gate = new ScriptGate();

	private static RedisServerProcess redis;

	private static ScriptedUpstream upstream;

	private static GatewayApp first;

	private static GatewayApp second;

	@BeforeAll
	static void start() {
		redis = RedisServerProcess.start();
		upstream = ScriptedUpstream.start(ResumableCompletionsIntegrationTests::script);
		Map<String, Object> properties = new HashMap<>();
		properties.put("toolgate.upstream.base-url", upstream.baseUrl());
		properties.put("toolgate.store.redis-url", redis.uri());
		// Both replicas verify the tokens either one issues.
		properties.put("toolgate.auth.stream-tokens.keys[0].id", "fleet");
		properties.put("toolgate.auth.stream-tokens.keys[0].secret", "a-shared-stream-token-secret-of-32-chars");
		first = GatewayApp.start(properties);
		second = GatewayApp.start(properties);
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(first, second, upstream, redis);
	}

	@BeforeEach
	void newGate() {
		gate.reset();
	}

	private static Flux<String> script(JsonNode request, int index) {
		String last = ChatScripts.lastMessage(request).path("content").asString();
		if (last.startsWith("#gate")) {
			Flux<String> all = ChatScripts.text("Hello", " gated", " world");
			return gate.hold(all, 2);
		}
		return ChatScripts.text(PACED.toArray(String[]::new)).delayElements(Duration.ofMillis(20));
	}

	@Test
	void aStreamCutAnywhereResumesOnTheOtherReplicaWithNoGapAndNoDuplicate() {
		Started started = start(first, "#paced", 4);
		assertThat(ids(started.head())).containsExactly(1L, 2L, 3L, 4L);
		List<ServerSentEvent<String>> rest = resume(second.client(GatewayApp.ACME_KEY), started.id(), "4", null);
		List<ServerSentEvent<String>> all = new ArrayList<>(started.head());
		all.addAll(rest);
		assertThat(ids(all)).as("ids").isEqualTo(range(1, all.size()));
		assertThat(all.get(all.size() - 1).data()).isEqualTo("[DONE]");
		assertThat(content(all)).isEqualTo(String.join("", PACED));
		assertThat(all.subList(0, all.size() - 1))
			.allSatisfy(event -> assertThat(JSON.readTree(event.data()).path("id").asString()).isEqualTo(started.id()));
	}

	@Test
	void aCompletionGoesOnWhenItsClientLeavesAndIsReadWholeAfterwards() throws InterruptedException {
		int cancelledBefore = upstream.cancellations();
		int completedBefore = upstream.completions();
		Started started = start(first, "#gate then leave", 2);
		// The client left before the gate opened: a resumable completion is not cancelled
		// by that.
		gate.open();
		List<ServerSentEvent<String>> all = resume(second.client(GatewayApp.ACME_KEY), started.id(), null, null);
		assertThat(ids(all)).isEqualTo(range(1, all.size()));
		assertThat(content(all)).isEqualTo("Hello gated world");
		assertThat(all.get(all.size() - 1).data()).isEqualTo("[DONE]");
		assertThat(upstream.cancellations()).isEqualTo(cancelledBefore);
		assertThat(upstream.completions()).isEqualTo(completedBefore + 1);
		AdmissionController admission = first.context().getBean(AdmissionController.class);
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (admission.running() > 0 && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(admission.running()).as("admission permits held").isZero();
	}

	@Test
	void aBrowserResumesWithQueryParametersAndTheStreamToken() {
		Started started = start(second, "#paced", 2);
		List<ServerSentEvent<String>> rest = second.anonymousClient()
			.get()
			.uri("/v1/chat/completions/{id}/events?last_event_id=2&token={token}", started.id(), started.token())
			.retrieve()
			.bodyToFlux(SseClient.EVENTS)
			.collectList()
			.block(WAIT);
		assertThat(rest).isNotNull();
		assertThat(ids(rest)).isEqualTo(range(3, rest.size() + 2));
		List<ServerSentEvent<String>> all = new ArrayList<>(started.head());
		all.addAll(rest);
		assertThat(content(all)).isEqualTo(String.join("", PACED));
	}

	@Test
	void aResumeAfterTheLastEventEndsAtOnce() {
		Started started = start(first, "#paced", 1);
		List<ServerSentEvent<String>> all = resume(first.client(GatewayApp.ACME_KEY), started.id(), "0", null);
		String last = String.valueOf(all.get(all.size() - 1).id());
		assertThat(resume(second.client(GatewayApp.ACME_KEY), started.id(), last, null)).isEmpty();
	}

	@Test
	void refusesOtherCompletionsTokensOtherTenantsAndBadIds() {
		Started one = start(first, "#paced", 1);
		Started other = start(first, "#paced", 1);
		WebClient anonymous = first.anonymousClient();
		assertThat(
				status(anonymous.get().uri("/v1/chat/completions/{id}/events?token={token}", other.id(), one.token())))
			.isEqualTo(401);
		assertThat(status(anonymous.post()
			.uri("/v1/chat/completions?token={token}", one.token())
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request("hi", true)))).isEqualTo(401);
		assertThat(status(first.client(GatewayApp.GLOBEX_KEY).get().uri("/v1/chat/completions/{id}/events", one.id())))
			.isEqualTo(404);
		assertThat(status(first.client(GatewayApp.ACME_KEY).get().uri("/v1/chat/completions/chatcmpl-none/events")))
			.isEqualTo(404);
		assertThatThrownBy(() -> first.client(GatewayApp.ACME_KEY)
			.get()
			.uri("/v1/chat/completions/{id}/events", one.id())
			.header("Last-Event-ID", "minus-one")
			.retrieve()
			.bodyToMono(String.class)
			.block(WAIT)).isInstanceOfSatisfying(WebClientResponseException.class, ex -> {
				assertThat(ex.getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
				assertThat(ex.getResponseBodyAsString()).contains("Last-Event-ID");
			});
	}

	@Test
	void aNonResumableStreamCarriesNoIdsAndCannotBeResumed() {
		Map<String, Object> body = new HashMap<>(request("#paced", true));
		body.put("stream_options", Map.of("resumable", false));
		ResponseEntity<Flux<ServerSentEvent<String>>> response = first.client(GatewayApp.ACME_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.toEntityFlux(SseClient.EVENTS)
			.block(WAIT);
		assertThat(response).isNotNull();
		assertThat(response.getHeaders().getFirst("Toolgate-Stream-Token")).isNull();
		List<ServerSentEvent<String>> events = response.getBody().collectList().block(WAIT);
		assertThat(events).isNotEmpty().allSatisfy(event -> assertThat(event.id()).isNull());
		assertThat(content(events)).isEqualTo(String.join("", PACED));
		String id = JSON.readTree(events.get(0).data()).path("id").asString();
		assertThat(status(first.client(GatewayApp.ACME_KEY).get().uri("/v1/chat/completions/{id}/events", id)))
			.isEqualTo(404);
	}

	/**
	 * Starts a streamed completion and reads its first {@code count} events, then leaves.
	 */
	private static Started start(GatewayApp app, String prompt, int count) {
		ResponseEntity<Flux<ServerSentEvent<String>>> response = app.client(GatewayApp.ACME_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(request(prompt, true))
			.retrieve()
			.toEntityFlux(SseClient.EVENTS)
			.block(WAIT);
		assertThat(response).isNotNull();
		String token = response.getHeaders().getFirst("Toolgate-Stream-Token");
		assertThat(token).isNotBlank();
		List<ServerSentEvent<String>> head = response.getBody().take(count).collectList().block(WAIT);
		assertThat(head).hasSize(count);
		String id = JSON.readTree(head.get(0).data()).path("id").asString();
		return new Started(id, token, head);
	}

	private static List<ServerSentEvent<String>> resume(WebClient client, String id, String lastEventId, String token) {
		List<ServerSentEvent<String>> events = client.get()
			.uri("/v1/chat/completions/{id}/events", id)
			.headers(headers -> {
				if (lastEventId != null) {
					headers.set("Last-Event-ID", lastEventId);
				}
			})
			.retrieve()
			.bodyToFlux(SseClient.EVENTS)
			.collectList()
			.block(WAIT);
		assertThat(events).isNotNull();
		return events;
	}

	private static int status(WebClient.RequestHeadersSpec<?> request) {
		return request.exchangeToMono(response -> response.releaseBody().thenReturn(response.statusCode().value()))
			.block(WAIT);
	}

	private static Map<String, Object> request(String prompt, boolean stream) {
		return Map.of("model", "scripted", "stream", stream, "messages",
				List.of(Map.of("role", "user", "content", prompt)));
	}

	private static List<Long> ids(List<ServerSentEvent<String>> events) {
		return events.stream().map(event -> Long.parseLong(event.id())).toList();
	}

	private static List<Long> range(long from, long to) {
		List<Long> ids = new ArrayList<>();
		for (long id = from; id <= to; id++) {
			ids.add(id);
		}
		return ids;
	}

	private static String content(List<ServerSentEvent<String>> events) {
		StringBuilder content = new StringBuilder();
		for (ServerSentEvent<String> event : events) {
			if (!"[DONE]".equals(event.data())) {
				JsonNode choices = JSON.readTree(event.data()).path("choices");
				if (!choices.isEmpty()) {
					content.append(choices.get(0).path("delta").path("content").asString(""));
				}
			}
		}
		return content.toString();
	}

	private record Started(String id, String token, List<ServerSentEvent<String>> head) {
	}

}
