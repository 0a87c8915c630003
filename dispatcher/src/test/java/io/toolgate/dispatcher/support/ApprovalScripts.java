package io.toolgate.dispatcher.support;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.toolgate.test.ChatScripts;
import io.toolgate.test.SseClient;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.ConnectableFlux;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the approval tests share: a registry with a held built-in ({@code send_email}), a
 * free built-in ({@code calculator}) and a held HTTP tool ({@code wire}, held above an
 * amount of 100), the scripted model that calls them, and the HTTP calls of a reviewer.
 */
public final class ApprovalScripts {

	/** Bound of every wait. */
	public static final Duration WAIT = Duration.ofSeconds(60);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private ApprovalScripts() {
	}

	/**
	 * Writes the registry.
	 * @param wireUrl the HTTP worker URL of {@code wire}
	 * @return the file
	 */
	public static Path registry(String wireUrl) {
		return TestRegistry.write("""
				tools:
				  - name: send_email
				    description: Send an email
				    input-schema:
				      type: object
				      properties:
				        to: { type: string, minLength: 3 }
				        subject: { type: string, minLength: 1 }
				      required: [to, subject]
				      additionalProperties: false
				    executor: { type: builtin, name: send_email }
				    risk-tier: high
				  - name: calculator
				    description: Calculate
				    input-schema:
				      type: object
				      properties:
				        a: { type: number }
				        b: { type: number }
				        op: { type: string, enum: [add, subtract, multiply, divide] }
				      required: [a, b, op]
				      additionalProperties: false
				    executor: { type: builtin, name: calculator }
				  - name: wire
				    description: Wire money
				    input-schema:
				      type: object
				      properties:
				        amount: { type: number }
				      required: [amount]
				    executor: { type: http, url: %s }
				    retry: { max-attempts: 1 }
				    approval: always
				    approval-when: { pointer: /amount, above: 100 }
				""".formatted(wireUrl));
	}

	/**
	 * The model: {@code #email} calls {@code send_email} and {@code calculator} in one
	 * message, {@code #wire N} calls {@code wire} with amount N; after tool results it
	 * answers {@code answer: } and the results joined by {@code |}.
	 */
	public static Flux<String> script(JsonNode request, int index) {
		JsonNode last = ChatScripts.lastMessage(request);
		if ("tool".equals(last.path("role").asString())) {
			return ChatScripts.text("answer: ", String.join(" | ", ChatScripts.toolResults(request)));
		}
		String prompt = last.path("content").asString();
		if (prompt.startsWith("#email")) {
			return ChatScripts.toolCalls(
					new String[] { "call_e", "send_email", "{\"to\":\"bob@example.com\",\"subject\":\"hi\"}" },
					new String[] { "call_c", "calculator", "{\"a\":2,\"b\":3,\"op\":\"add\"}" });
		}
		if (prompt.startsWith("#wire ")) {
			return ChatScripts
				.toolCalls(new String[] { "call_w", "wire", "{\"amount\":" + prompt.substring(6).trim() + "}" });
		}
		return ChatScripts.text("plain answer");
	}

	/**
	 * Starts a turn and keeps every event for later readers.
	 * @param client the tenant's client
	 * @param conversation the conversation id
	 * @param prompt the user message
	 * @return the events, replayed to each subscriber
	 */
	public static Flux<ServerSentEvent<String>> startTurn(WebClient client, String conversation, String prompt) {
		ConnectableFlux<ServerSentEvent<String>> events = SseClient.startTurn(client, conversation, prompt).replay();
		events.connect();
		return events;
	}

	/** The data of the first event of a type, waiting for it. */
	public static JsonNode first(Flux<ServerSentEvent<String>> events, String type) {
		ServerSentEvent<String> event = SseClient.first(events, type).block(WAIT);
		if (event == null || event.data() == null) {
			throw new AssertionError("no " + type + " event");
		}
		return JSON.readTree(event.data());
	}

	/** Every event until the terminal one, waiting for it. */
	public static List<ServerSentEvent<String>> untilEnd(Flux<ServerSentEvent<String>> events) {
		return events.takeUntil(event -> "turn.completed".equals(event.event()) || "turn.error".equals(event.event()))
			.collectList()
			.block(WAIT);
	}

	/** The data of every event of a type. */
	public static List<JsonNode> all(List<ServerSentEvent<String>> events, String type) {
		return events.stream()
			.filter(event -> type.equals(event.event()))
			.map(event -> JSON.readTree(event.data()))
			.toList();
	}

	/**
	 * Posts a decision.
	 * @param client the reviewer's client
	 * @param approvalId the approval
	 * @param body the JSON body
	 * @return the status and body
	 */
	public static Reply decide(WebClient client, String approvalId, String body) {
		return client.post()
			.uri("/v1/approvals/{id}", approvalId)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(body)
			.exchangeToMono(response -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map(text -> new Reply(response.statusCode().value(),
						text.isEmpty() ? JSON.nullNode() : JSON.readTree(text))))
			.block(WAIT);
	}

	/**
	 * Gets a path.
	 * @param client the client
	 * @param path the path
	 * @return the status and body
	 */
	public static Reply get(WebClient client, String path) {
		return client.get()
			.uri(path)
			.exchangeToMono(response -> response.bodyToMono(String.class)
				.defaultIfEmpty("")
				.map(text -> new Reply(response.statusCode().value(),
						text.isEmpty() ? JSON.nullNode() : JSON.readTree(text))))
			.block(WAIT);
	}

	/**
	 * A status and JSON body.
	 *
	 * @param status the status
	 * @param body the body
	 */
	public record Reply(int status, JsonNode body) {
	}

}
