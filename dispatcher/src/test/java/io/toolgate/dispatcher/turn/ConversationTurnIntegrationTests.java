package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptGate;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import io.toolgate.test.ToolWorker;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The native conversation API end to end over real HTTP: the gateway on a random port, a
 * scripted OpenAI-compatible upstream and a real HTTP tool worker.
 */
@Timeout(60)
class ConversationTurnIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final ScriptGate gate = new ScriptGate();

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayApp app;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start(ConversationTurnIntegrationTests::script);
		worker = ToolWorker.start(1, Duration.ofMillis(50));
		app = GatewayApp.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.tools.registry",
				TestRegistry.withWeatherWorker(worker.weatherUrl()).toString(), "toolgate.turn.loop-threshold", 2,
				"toolgate.turn.max-iterations", 4));
		acme = app.client(GatewayApp.ACME_KEY);
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(app, worker, upstream);
	}

	@BeforeEach
	void newGate() {
		gate.reset();
	}

	/** Answers by the marker that starts the last user message. */
	private static Flux<String> script(JsonNode request, int index) {
		JsonNode messages = request.path("messages");
		JsonNode last = messages.get(messages.size() - 1);
		String firstUser = lastUserContent(messages);
		if ("tool".equals(last.path("role").asString())) {
			if (firstUser.startsWith("#loop") || firstUser.startsWith("#cap")) {
				return nextToolCall(firstUser, messages);
			}
			return ChatScripts.text("Results: ", String.join(" | ", ChatScripts.toolResults(request)));
		}
		if (firstUser.startsWith("#gate")) {
			Flux<String> all = ChatScripts.text("Hello", " gated", " world");
			return gate.hold(all, 2);
		}
		if (firstUser.startsWith("#tools")) {
			return ChatScripts.toolCalls(new String[] { "call_w", "weather", "{\"city\":\"Paris\"}" },
					new String[] { "call_c", "calculator", "{\"a\":12,\"b\":7,\"op\":\"multiply\"}" });
		}
		if (firstUser.startsWith("#loop") || firstUser.startsWith("#cap")) {
			return nextToolCall(firstUser, messages);
		}
		if (firstUser.startsWith("#long")) {
			// Held for the gate after 50 chunks: more events than a local feed replays.
			String[] words = new String[60];
			Arrays.setAll(words, i -> "w" + i + " ");
			return gate.hold(ChatScripts.text(words), 50);
		}
		if (firstUser.startsWith("#slow")) {
			return ChatScripts.text("one ", "two ", "three ", "four ", "five ", "six ", "seven ", "eight ")
				.delayElements(Duration.ofMillis(30));
		}
		return ChatScripts.text("Echo: ", firstUser);
	}

	private static Flux<String> nextToolCall(String firstUser, JsonNode messages) {
		long round = StreamSupport.stream(messages.spliterator(), false)
			.filter(message -> "tool".equals(message.path("role").asString()))
			.count();
		// A loop repeats the same arguments; a capped turn varies them so only the
		// iteration cap stops it.
		String b = firstUser.startsWith("#loop") ? "1" : Long.toString(round);
		return ChatScripts
			.toolCalls(new String[] { "call_" + round, "calculator", "{\"a\":1,\"b\":" + b + ",\"op\":\"add\"}" });
	}

	private static String lastUserContent(JsonNode messages) {
		String content = "";
		for (JsonNode message : messages) {
			if ("user".equals(message.path("role").asString())) {
				content = message.path("content").asString();
			}
		}
		return content;
	}

	@Test
	void streamsTokensBeforeTheModelFinishes() {
		// The upstream holds the rest of its answer until the client has seen the first
		// token: a gateway that
		// buffered tokens would never deliver it and the test would time out.
		List<ServerSentEvent<String>> events = SseClient.startTurn(acme, "stream-1", "#gate please").doOnNext(event -> {
			if ("token".equals(event.event())) {
				gate.open();
			}
		}).collectList().block(WAIT);
		assertThat(events).extracting(ServerSentEvent::event)
			.containsExactly("turn.started", "token", "token", "token", "turn.completed");
		assertThat(events).extracting(ServerSentEvent::id).containsExactly("1", "2", "3", "4", "5");
		JsonNode completed = JSON.readTree(events.get(4).data());
		assertThat(completed.path("reason").asString()).isEqualTo("stop");
		assertThat(completed.path("content").asString()).isEqualTo("Hello gated world");
	}

	@Test
	void sendsTurnIdInHeaderAndFirstEvent() {
		var response = acme.post()
			.uri("/v1/conversations/{id}/turns", "header-1")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("content", "hi"))
			.retrieve()
			.toEntityFlux(String.class)
			.block(WAIT);
		String turnId = response.getHeaders().getFirst("Toolgate-Turn-Id");
		assertThat(turnId).startsWith("turn_");
		List<String> body = response.getBody().collectList().block(WAIT);
		assertThat(String.join("\n", body)).contains(turnId);
	}

	@Test
	void executesParallelToolCallsAndAnswersWithTheirResults() {
		List<ServerSentEvent<String>> events = SseClient.startTurn(acme, "tools-1", "#tools weather and math")
			.collectList()
			.block(WAIT);
		List<String> types = events.stream().map(ServerSentEvent::event).toList();
		assertThat(types).filteredOn("tool.call"::equals).hasSize(2);
		assertThat(types).filteredOn("tool.result"::equals).hasSize(2);
		assertThat(types.get(types.size() - 1)).isEqualTo("turn.completed");
		List<JsonNode> results = events.stream()
			.filter(event -> "tool.result".equals(event.event()))
			.map(event -> JSON.readTree(event.data()))
			.toList();
		assertThat(results).allSatisfy(result -> assertThat(result.path("status").asString()).isEqualTo("ok"));
		JsonNode completed = JSON.readTree(events.get(events.size() - 1).data());
		assertThat(completed.path("content").asString()).contains(ToolWorker.markerFor("Paris")).contains("84");
		assertThat(completed.path("iterations").asInt()).isEqualTo(2);
		// Results go back to the model in the order of the calls, whatever order they
		// finished in.
		JsonNode second = upstream.requests().get(upstream.requests().size() - 1).path("messages");
		List<String> toolCallIds = StreamSupport.stream(second.spliterator(), false)
			.filter(message -> "tool".equals(message.path("role").asString()))
			.map(message -> message.path("tool_call_id").asString())
			.toList();
		assertThat(toolCallIds).containsExactly("call_w", "call_c");
		assertThat(worker.headers()).anySatisfy(headers -> assertThat(headers.get("idempotency-key"))
			.isEqualTo("acme:tools-1:" + JSON.readTree(events.get(0).data()).path("turnId").asString() + ":1:call_w"));
	}

	@Test
	void storesTheConversationAndContinuesIt() {
		SseClient.startTurn(acme, "memory-1", "first message").collectList().block(WAIT);
		SseClient.startTurn(acme, "memory-1", "second message").collectList().block(WAIT);
		JsonNode conversation = acme.get()
			.uri("/v1/conversations/memory-1")
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);
		assertThat(conversation.path("version").asLong()).isEqualTo(4);
		List<String> contents = StreamSupport.stream(conversation.path("messages").spliterator(), false)
			.map(message -> message.path("role").asString() + ":" + message.path("content").asString())
			.toList();
		assertThat(contents).containsExactly("user:first message", "assistant:Echo: first message",
				"user:second message", "assistant:Echo: second message");
		// The second turn's model call saw the first turn's history.
		JsonNode lastRequest = upstream.requests().get(upstream.requests().size() - 1);
		assertThat(lastRequest.path("messages").size()).isEqualTo(3);
	}

	@Test
	void resumesAfterLastEventIdWithNoGapOrDuplicate() {
		List<ServerSentEvent<String>> head = SseClient.startTurn(acme, "resume-1", "#slow story")
			.take(3)
			.collectList()
			.block(WAIT);
		String turnId = JSON.readTree(head.get(0).data()).path("turnId").asString();
		long lastSeen = Long.parseLong(head.get(head.size() - 1).id());
		List<ServerSentEvent<String>> tail = SseClient.resume(acme, "resume-1", turnId, lastSeen)
			.collectList()
			.block(WAIT);
		List<ServerSentEvent<String>> full = SseClient.resume(acme, "resume-1", turnId, 0).collectList().block(WAIT);
		List<String> resumedIds = new ArrayList<>(head.stream().map(ServerSentEvent::id).toList());
		resumedIds.addAll(tail.stream().map(ServerSentEvent::id).toList());
		assertThat(resumedIds).isEqualTo(full.stream().map(ServerSentEvent::id).toList());
		for (int i = 0; i < full.size(); i++) {
			assertThat(full.get(i).id()).isEqualTo(Integer.toString(i + 1));
		}
		assertThat(full.get(full.size() - 1).event()).isEqualTo("turn.completed");
		assertThat(tail).isNotEmpty();
	}

	@Test
	void aLateReaderOnTheTurnsReplicaGetsTheEventsItsFeedNoLongerHoldsFromTheLog() {
		List<ServerSentEvent<String>> head = SseClient.startTurn(acme, "long-1", "#long story")
			.take(DetachedTurns.FEED_REPLAY + 10)
			.collectList()
			.block(WAIT);
		String turnId = JSON.readTree(head.get(0).data()).path("turnId").asString();

		// The turn still runs here, held by the gate; the reader joins it from the start.
		List<ServerSentEvent<String>> full = SseClient.resume(acme, "long-1", turnId, 0).doOnNext(event -> {
			if ("5".equals(event.id())) {
				gate.open();
			}
		}).collectList().block(WAIT);

		assertThat(full).hasSize(62);
		for (int i = 0; i < full.size(); i++) {
			assertThat(full.get(i).id()).isEqualTo(Integer.toString(i + 1));
		}
		assertThat(full.get(0).event()).isEqualTo("turn.started");
		assertThat(full.get(61).event()).isEqualTo("turn.completed");
		assertThat(full.subList(1, 61)).extracting(ServerSentEvent::event).containsOnly("token");
	}

	@Test
	void finishesAndStoresTheTurnWhenTheClientLeaves() throws InterruptedException {
		SseClient.startTurn(acme, "leave-1", "#gate and go")
			.filter(event -> "token".equals(event.event()))
			.take(1)
			.blockLast(WAIT);
		gate.open();
		JsonNode conversation = awaitMessages("leave-1", 2);
		assertThat(conversation.path("messages").get(1).path("content").asString()).isEqualTo("Hello gated world");
	}

	@Test
	void rejectsASecondConcurrentTurnWith409() {
		SseClient.startTurn(acme, "busy-1", "#gate hold")
			.filter(event -> "token".equals(event.event()))
			.take(1)
			.blockLast(WAIT);
		assertThatThrownBy(() -> SseClient.startTurn(acme, "busy-1", "again").collectList().block(WAIT))
			.isInstanceOfSatisfying(WebClientResponseException.class, ex -> {
				assertThat(ex.getStatusCode().value()).isEqualTo(409);
				assertThat(ex.getResponseBodyAsString()).contains("\"type\":\"conflict_error\"");
			});
		gate.open();
	}

	@Test
	void endsTheTurnOnADetectedLoop() {
		List<ServerSentEvent<String>> events = SseClient.startTurn(acme, "loop-1", "#loop forever")
			.collectList()
			.block(WAIT);
		JsonNode completed = JSON.readTree(events.get(events.size() - 1).data());
		assertThat(completed.path("reason").asString()).isEqualTo("loop_detected");
		// Two identical calls are allowed (loop-threshold 2); the third is not executed.
		assertThat(events).filteredOn(event -> "tool.result".equals(event.event())).hasSize(2);
	}

	@Test
	void endsTheTurnAtTheIterationCap() {
		List<ServerSentEvent<String>> events = SseClient.startTurn(acme, "cap-1", "#cap keep going")
			.collectList()
			.block(WAIT);
		JsonNode completed = JSON.readTree(events.get(events.size() - 1).data());
		assertThat(completed.path("reason").asString()).isEqualTo("max_iterations");
		assertThat(completed.path("iterations").asInt()).isEqualTo(4);
	}

	@Test
	void hidesAnotherTenantsConversation() {
		SseClient.startTurn(acme, "private-1", "secret").collectList().block(WAIT);
		assertThatThrownBy(() -> app.client(GatewayApp.GLOBEX_KEY)
			.get()
			.uri("/v1/conversations/private-1")
			.retrieve()
			.bodyToMono(String.class)
			.block(WAIT)).isInstanceOfSatisfying(WebClientResponseException.class,
					ex -> assertThat(ex.getStatusCode().value()).isEqualTo(404));
	}

	@Test
	void deletesAConversation() {
		SseClient.startTurn(acme, "delete-1", "bye").collectList().block(WAIT);
		var status = acme.delete().uri("/v1/conversations/delete-1").retrieve().toBodilessEntity().block(WAIT);
		assertThat(status.getStatusCode().value()).isEqualTo(204);
		assertThatThrownBy(
				() -> acme.get().uri("/v1/conversations/delete-1").retrieve().bodyToMono(String.class).block(WAIT))
			.isInstanceOfSatisfying(WebClientResponseException.class,
					ex -> assertThat(ex.getStatusCode().value()).isEqualTo(404));
	}

	@Test
	void cancelsTheUpstreamCallWhenANonResumableChatCompletionClientDisconnects() throws InterruptedException {
		int cancelledBefore = upstream.cancellations();
		Map<String, Object> body = Map.of("model", "scripted", "stream", true, "stream_options",
				Map.of("resumable", false), "messages", List.of(Map.of("role", "user", "content", "#gate then leave")));
		List<String> head = acme.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.bodyToFlux(String.class)
			.filter(data -> data.contains("Hello"))
			.take(1)
			.collectList()
			.block(WAIT);
		assertThat(head).hasSize(1);
		// The gate is never opened: only the client's departure can end the upstream
		// answer.
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (upstream.cancellations() == cancelledBefore && System.nanoTime() < deadline) {
			Thread.sleep(20);
		}
		assertThat(upstream.cancellations()).isEqualTo(cancelledBefore + 1);
	}

	private static JsonNode awaitMessages(String conversationId, int count) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		while (System.nanoTime() < deadline) {
			JsonNode conversation = acme.get()
				.uri("/v1/conversations/{id}", conversationId)
				.retrieve()
				.bodyToMono(JsonNode.class)
				.onErrorResume(WebClientResponseException.NotFound.class, ex -> reactor.core.publisher.Mono.empty())
				.block(WAIT);
			if (conversation != null && conversation.path("messages").size() >= count) {
				return conversation;
			}
			Thread.sleep(50);
		}
		throw new AssertionError("conversation " + conversationId + " never reached " + count + " messages");
	}

}
