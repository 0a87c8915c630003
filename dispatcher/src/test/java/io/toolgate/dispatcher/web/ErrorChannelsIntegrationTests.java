package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One failure, two channels: a model upstream that never answers and a store that is full
 * fail a non-streaming chat completion with an HTTP error and a native turn with a
 * terminal SSE {@code error} event, and both say the same type, code and message. The
 * store holds one conversation, so the upstream check (which stores one) runs first.
 */
@Timeout(60)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ErrorChannelsIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static ScriptedUpstream upstream;

	private static GatewayApp app;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start((request, index) -> request.toString().contains("please stall") ? Flux.never()
				: ChatScripts.text("fine"));
		app = GatewayApp
			.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.upstream.first-token-timeout",
					"500ms", "toolgate.upstream.request-timeout", "500ms", "toolgate.store.max-conversations", 1));
		acme = app.client(GatewayApp.ACME_KEY);
	}

	@AfterAll
	static void stop() {
		app.close();
		upstream.close();
	}

	@Test
	@Order(1)
	void upstreamTimeoutReadsTheSameOverHttpAndSse() {
		ErrorReply http = chat(null, "please stall");
		http.assertError(504, "upstream_error", "upstream_first_token_timeout");
		JsonNode sse = errorEvent("stalled-1", "please stall");
		assertSame(http, sse);
	}

	@Test
	@Order(2)
	void storeFailureReadsTheSameOverHttpAndSse() {
		// Fills the one-conversation store, unless the check before did already.
		SseClient.startTurn(acme, "filler-1", "hi").collectList().block(WAIT);
		ErrorReply http = chat("overflow-http", "hi");
		http.assertError(503, "unavailable_error", "store_unavailable");
		JsonNode sse = errorEvent("overflow-sse", "hi");
		assertSame(http, sse);
	}

	private static void assertSame(ErrorReply http, JsonNode sse) {
		JsonNode error = http.json().path("error");
		// The event's data names the type errorType (the event's own name is "error").
		assertThat(sse.path("errorType").asString()).as("SSE type of %s", sse).isEqualTo(error.path("type").asString());
		assertThat(sse.path("code").asString()).as("SSE code").isEqualTo(error.path("code").asString());
		assertThat(sse.path("message").asString()).as("SSE message").isEqualTo(error.path("message").asString());
	}

	private static ErrorReply chat(String conversationId, String content) {
		Map<String, Object> body = (conversationId != null)
				? Map.of("conversation_id", conversationId, "messages",
						List.of(Map.of("role", "user", "content", content)))
				: Map.of("messages", List.of(Map.of("role", "user", "content", content)));
		return ErrorReply
			.of(acme.post().uri("/v1/chat/completions").contentType(MediaType.APPLICATION_JSON).bodyValue(body));
	}

	private static JsonNode errorEvent(String conversationId, String content) {
		List<ServerSentEvent<String>> events = SseClient.startTurn(acme, conversationId, content)
			.collectList()
			.block(WAIT);
		ServerSentEvent<String> last = events.get(events.size() - 1);
		assertThat(last.event()).as("last event of %s", events).isEqualTo("turn.error");
		return JSON.readTree(last.data());
	}

}
