package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.LogCapture;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Server-side tool calls inside OpenAI-compatible chat completions over real HTTP: tool
 * progress for clients that ask for it, and the rule for a client tool named like a
 * registered one, with both settings of that rule.
 */
@Timeout(60)
class ChatCompletionToolsIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayApp preferring;

	private static GatewayApp rejecting;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start(ChatCompletionToolsIntegrationTests::script);
		worker = ToolWorker.start(1, Duration.ofMillis(20));
		String registry = TestRegistry.withWeatherWorker(worker.weatherUrl()).toString();
		preferring = GatewayApp
			.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.tools.registry", registry));
		rejecting = GatewayApp.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.tools.registry",
				registry, "toolgate.tools.client-tool-conflict", "reject"));
	}

	@AfterAll
	static void stop() {
		Closeables.closeAll(preferring, rejecting, worker, upstream);
	}

	/** Calls both tools first, then answers with what the tool messages hold. */
	private static Flux<String> script(JsonNode request, int index) {
		JsonNode last = ChatScripts.lastMessage(request);
		if ("tool".equals(last.path("role").asString())) {
			return ChatScripts.text("Results: ", String.join(" | ", ChatScripts.toolResults(request)));
		}
		return ChatScripts.toolCalls(new String[] { "call_w", "weather", "{\"city\":\"Paris\"}" },
				new String[] { "call_c", "calculator", "{\"a\":12,\"b\":7,\"op\":\"multiply\"}" });
	}

	@Test
	void toolProgressShowsEachServerToolCallAndResultAsItHappens() {
		List<JsonNode> chunks = stream(Map.of("tool_progress", true));
		List<JsonNode> progress = chunks.stream().filter(chunk -> chunk.has("toolgate")).toList();
		assertThat(progress).extracting(chunk -> chunk.path("toolgate").path("event").asString())
			.containsExactlyInAnyOrder("tool.call", "tool.call", "tool.result", "tool.result");
		assertThat(progress).allSatisfy(chunk -> {
			assertThat(chunk.path("object").asString()).isEqualTo("chat.completion.chunk");
			assertThat(chunk.path("choices").isArray()).isTrue();
			assertThat(chunk.path("choices")).isEmpty();
		});
		assertThat(progress).extracting(chunk -> chunk.path("toolgate").path("data").path("callId").asString())
			.containsOnly("call_w", "call_c");
		// Calls are announced before any result arrives, and every result comes before
		// the answer.
		int lastProgress = chunks.indexOf(progress.get(progress.size() - 1));
		int firstContent = indexOfFirstContent(chunks);
		assertThat(lastProgress).isLessThan(firstContent);
		assertThat(progress.get(0).path("toolgate").path("event").asString()).isEqualTo("tool.call");
		assertThatTheStreamIsAPlainAnswer(chunks);
	}

	@Test
	void withoutTheFlagTheStreamHoldsNoProgress() {
		List<JsonNode> chunks = stream(Map.of());
		assertThat(chunks).noneSatisfy(chunk -> assertThat(chunk.has("toolgate")).isTrue());
		assertThatTheStreamIsAPlainAnswer(chunks);
	}

	@Test
	void aClientToolNamedLikeARegisteredOneReplacesItAndIsLoggedOnce() {
		int workerRequests = worker.requests();
		try (LogCapture log = LogCapture.of(ClientToolConflicts.class, Level.INFO)) {
			for (int i = 0; i < 2; i++) {
				JsonNode response = preferring.client(GatewayApp.ACME_KEY)
					.post()
					.uri("/v1/chat/completions")
					.contentType(MediaType.APPLICATION_JSON)
					.bodyValue(withClientTool("weather"))
					.retrieve()
					.bodyToMono(JsonNode.class)
					.block(WAIT);
				JsonNode choice = response.path("choices").get(0);
				assertThat(choice.path("finish_reason").asString()).isEqualTo("tool_calls");
				assertThat(choice.path("message").path("tool_calls"))
					.extracting(call -> call.path("function").path("name").asString())
					.containsExactly("weather");
			}
			assertThat(log.events()).hasSize(1);
			assertThat(log.events().get(0).getFormattedMessage()).contains("'weather'");
		}
		// The registered weather tool never ran: its calls went back to the client.
		assertThat(worker.requests()).isEqualTo(workerRequests);
	}

	@Test
	void theRejectRuleRefusesAConflictingClientToolWith400NamingIt() {
		WebClient client = rejecting.client(GatewayApp.ACME_KEY);
		ErrorReply reply = ErrorReply.of(client.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(withClientTool("weather")));
		assertThat(reply.status()).isEqualTo(400);
		assertThat(reply.json().path("error").path("type").asString()).isEqualTo("invalid_request_error");
		assertThat(reply.json().path("error").path("message").asString()).contains("'weather'");
		JsonNode response = client.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(withClientTool("lookup"))
			.retrieve()
			.bodyToMono(JsonNode.class)
			.block(WAIT);
		assertThat(response.path("choices").get(0).path("finish_reason").asString()).isEqualTo("stop");
	}

	private static Map<String, Object> withClientTool(String name) {
		return Map.of("model", "scripted", "messages", List.of(Map.of("role", "user", "content", "weather please")),
				"tools", List.of(Map.of("type", "function", "function", Map.of("name", name, "description",
						"The client's own " + name, "parameters", Map.of("type", "object")))));
	}

	private static List<JsonNode> stream(Map<String, Object> streamOptions) {
		Map<String, Object> body = Map.of("model", "scripted", "stream", true, "stream_options", streamOptions,
				"messages", List.of(Map.of("role", "user", "content", "weather and math")));
		List<ServerSentEvent<String>> events = preferring.client(GatewayApp.ACME_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.retrieve()
			.bodyToFlux(SseClient.EVENTS)
			.collectList()
			.block(WAIT);
		assertThat(events).isNotEmpty();
		assertThat(events.get(events.size() - 1).data()).isEqualTo("[DONE]");
		return events.subList(0, events.size() - 1).stream().map(event -> JSON.readTree(event.data())).toList();
	}

	private static int indexOfFirstContent(List<JsonNode> chunks) {
		for (int i = 0; i < chunks.size(); i++) {
			JsonNode choices = chunks.get(i).path("choices");
			if (!choices.isEmpty() && !choices.get(0).path("delta").path("content").asString("").isEmpty()) {
				return i;
			}
		}
		return -1;
	}

	/**
	 * A stream OpenAI clients read as one plain answer: no tool_calls, one finish_reason,
	 * stop.
	 */
	private static void assertThatTheStreamIsAPlainAnswer(List<JsonNode> chunks) {
		List<String> finishes = new ArrayList<>();
		StringBuilder content = new StringBuilder();
		for (JsonNode chunk : chunks) {
			for (JsonNode choice : chunk.path("choices")) {
				assertThat(choice.path("delta").has("tool_calls")).isFalse();
				if (!choice.path("finish_reason").isNull() && choice.has("finish_reason")) {
					finishes.add(choice.path("finish_reason").asString());
				}
				content.append(choice.path("delta").path("content").asString(""));
			}
		}
		assertThat(finishes).containsExactly("stop");
		assertThat(content.toString()).startsWith("Results: ").contains("84");
	}

}
