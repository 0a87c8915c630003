package io.toolgate.dispatcher.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of bad request against the running gateway: the right status, the error body
 * {@code {"error":{"type","message","code"}}} naming the field at fault, no stack trace,
 * and no half-written state left behind.
 */
@Timeout(60)
class BadInputIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final int MAX_BODY = 64 * 1024;

	private static final String INVALID_REQUEST = "invalid_request_error";

	private static ScriptedUpstream upstream;

	private static GatewayApp app;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start((request, index) -> ChatScripts.text("Echo: ", "ok"));
		// The weather worker is never called here; the registry only needs a URL for it.
		app = GatewayApp.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.tools.registry",
				TestRegistry.withWeatherWorker("http://127.0.0.1:9/weather").toString(), "toolgate.http.max-body-size",
				MAX_BODY + "B"));
		acme = app.client(GatewayApp.ACME_KEY);
	}

	@AfterAll
	static void stop() {
		app.close();
		upstream.close();
	}

	private static ErrorReply postJson(String uri, String body) {
		return ErrorReply.of(acme.post().uri(uri).contentType(MediaType.APPLICATION_JSON).bodyValue(body));
	}

	private static ErrorReply postTurn(String conversationId, String body) {
		return ErrorReply.of(acme.post()
			.uri("/v1/conversations/{id}/turns", conversationId)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM, MediaType.APPLICATION_JSON)
			.bodyValue(body));
	}

	private static ErrorReply getConversation(WebClient client, String conversationId) {
		return ErrorReply.of(client.get().uri("/v1/conversations/{id}", conversationId));
	}

	private static String chatWithContent(String content) {
		return JSON.writeValueAsString(Map.of("messages", List.of(Map.of("role", "user", "content", content))));
	}

	/** Runs a turn to the end so that the conversation exists. */
	private static void completeTurn(String conversationId, String content) {
		SseClient.startTurn(acme, conversationId, content).collectList().block(WAIT);
	}

	@Test
	void rejectsMalformedJsonOnChatCompletions() {
		postJson("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"").assertError(400,
				INVALID_REQUEST, "malformed_json");
	}

	@Test
	void rejectsMalformedJsonOnTurns() {
		postTurn("malformed-1", "{\"content\": hi}").assertError(400, INVALID_REQUEST, "malformed_json");
	}

	@Test
	void rejectsMissingMessages() {
		postJson("/v1/chat/completions", "{\"model\": \"scripted\"}").assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("messages");
	}

	@Test
	void rejectsEmptyMessages() {
		postJson("/v1/chat/completions", "{\"messages\": []}").assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("messages");
	}

	@Test
	void rejectsAnUnknownRole() {
		postJson("/v1/chat/completions", "{\"messages\": [{\"role\": \"wizard\", \"content\": \"hi\"}]}")
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("messages[0].role");
	}

	@Test
	void rejectsMessagesOfTheWrongType() {
		postJson("/v1/chat/completions", "{\"messages\": \"hi\"}").assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("messages");
	}

	@Test
	void rejectsATurnWithoutContent() {
		postTurn("no-content-1", "{\"model\": \"scripted\"}").assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("content");
	}

	@Test
	void rejectsABodyOverTheLimitByItsContentLength() {
		String body = chatWithContent("x".repeat(MAX_BODY + 1024));
		ErrorReply reply = ErrorReply.of(acme.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.contentLength(body.getBytes(StandardCharsets.UTF_8).length)
			.bodyValue(body));
		reply.assertError(413, INVALID_REQUEST, "payload_too_large");
	}

	@Test
	void rejectsAChunkedBodyOverTheLimit() {
		ErrorReply reply = ErrorReply.of(acme.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.body(BodyInserters.fromDataBuffers(chunked(chatWithContent("x".repeat(MAX_BODY + 1024))))));
		reply.assertError(413, INVALID_REQUEST, "payload_too_large");
	}

	@Test
	void rejectsAChunkedTurnBodyOverTheLimit() {
		ErrorReply reply = ErrorReply.of(acme.post()
			.uri("/v1/conversations/{id}/turns", "too-large-1")
			.contentType(MediaType.APPLICATION_JSON)
			.body(BodyInserters
				.fromDataBuffers(chunked(JSON.writeValueAsString(Map.of("content", "x".repeat(MAX_BODY + 1024)))))));
		reply.assertError(413, INVALID_REQUEST, "payload_too_large");
		getConversation(acme, "too-large-1").assertError(404, "not_found_error", "not_found");
	}

	/**
	 * A body without a length: several buffers, so the client sends it with chunked
	 * transfer encoding.
	 */
	private static Flux<DataBuffer> chunked(String body) {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		int piece = 8 * 1024;
		List<DataBuffer> buffers = new ArrayList<>();
		for (int offset = 0; offset < bytes.length; offset += piece) {
			int length = Math.min(piece, bytes.length - offset);
			byte[] part = new byte[length];
			System.arraycopy(bytes, offset, part, 0, length);
			buffers.add(DefaultDataBufferFactory.sharedInstance.wrap(part));
		}
		return Flux.fromIterable(buffers);
	}

	@Test
	void rejectsAPlainTextBody() {
		ErrorReply.of(acme.post().uri("/v1/chat/completions").contentType(MediaType.TEXT_PLAIN).bodyValue("hello"))
			.assertError(415, INVALID_REQUEST, "unsupported_media_type");
	}

	@Test
	void rejectsAPlainTextTurnBody() {
		ErrorReply
			.of(acme.post()
				.uri("/v1/conversations/{id}/turns", "plain-1")
				.contentType(MediaType.TEXT_PLAIN)
				.bodyValue("hello"))
			.assertError(415, INVALID_REQUEST, "unsupported_media_type");
		getConversation(acme, "plain-1").assertError(404, "not_found_error", "not_found");
	}

	@Test
	void rejectsAMissingKey() {
		ErrorReply
			.of(app.anonymousClient()
				.post()
				.uri("/v1/chat/completions")
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(chatWithContent("hi")))
			.assertError(401, "authentication_error", "invalid_api_key");
	}

	@Test
	void rejectsAnUnknownKey() {
		ErrorReply.of(app.client("not-a-key").get().uri("/v1/models"))
			.assertError(401, "authentication_error", "invalid_api_key");
	}

	@Test
	void rejectsAKeyOfAnotherScheme() {
		ErrorReply
			.of(app.anonymousClient()
				.get()
				.uri("/v1/models")
				.header(HttpHeaders.AUTHORIZATION, "Basic " + GatewayApp.ACME_KEY))
			.assertError(401, "authentication_error", "invalid_api_key");
	}

	@Test
	void answers404ForAnUnknownConversation() {
		getConversation(acme, "never-created").assertError(404, "not_found_error", "not_found");
	}

	@Test
	void answers404WhenDeletingAnUnknownConversation() {
		ErrorReply.of(acme.delete().uri("/v1/conversations/{id}", "never-created"))
			.assertError(404, "not_found_error", "not_found");
	}

	@Test
	void answers404ForAnUnknownTurn() {
		completeTurn("known-1", "hello");
		ErrorReply
			.of(acme.get()
				.uri("/v1/conversations/{id}/turns/{turnId}/events", "known-1", "turn_nope")
				.accept(MediaType.TEXT_EVENT_STREAM)
				.header("Last-Event-ID", "0"))
			.assertError(404, "not_found_error", "not_found");
	}

	@Test
	void hidesAnotherTenantsConversationBehind404() {
		completeTurn("acme-private-1", "secret");
		WebClient globex = app.client(GatewayApp.GLOBEX_KEY);
		getConversation(globex, "acme-private-1").assertError(404, "not_found_error", "not_found");
		ErrorReply.of(globex.delete().uri("/v1/conversations/{id}", "acme-private-1"))
			.assertError(404, "not_found_error", "not_found");
		// The other tenant's delete removed nothing.
		assertThat(getConversation(acme, "acme-private-1").status()).isEqualTo(200);
	}

	@Test
	void answers404ForAnUnknownTool() {
		postJson("/v1/tools/nope/invocations", "{\"arguments\": {}}").assertError(404, "not_found_error", "not_found");
	}

	@Test
	void answers422ForToolArgumentsAgainstTheSchema() {
		ErrorReply reply = postJson("/v1/tools/calculator/invocations",
				"{\"arguments\": {\"a\": 1, \"b\": 2, \"op\": \"power\"}}");
		reply.assertError(422, INVALID_REQUEST, "invalid_arguments");
		assertThat(reply.message()).contains("calculator").contains("op");
	}

	@Test
	void answers400ForAToolInvocationWithoutArguments() {
		postJson("/v1/tools/calculator/invocations", "{\"args\": {}}")
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("arguments");
	}

	@Test
	void answers404JsonForAnUnknownRoute() {
		ErrorReply.of(acme.get().uri("/v1/nope")).assertError(404, "not_found_error", "not_found");
	}

	@Test
	void answers404JsonForAnUnknownRouteOutsideTheApi() {
		ErrorReply.of(app.anonymousClient().get().uri("/nope")).assertError(404, "not_found_error", "not_found");
	}

	@Test
	void rejectsAConversationIdWithInvalidCharacters() {
		getConversation(acme, "bad id!").assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("conversation_id");
		postTurn("bad<id>", "{\"content\": \"hi\"}").assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("conversation_id");
		postJson("/v1/chat/completions",
				"{\"conversation_id\": \"a/b\", \"messages\": [{\"role\": \"user\", " + "\"content\": \"hi\"}]}")
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("conversation_id");
	}

	@Test
	void leavesNoConversationBehindARejectedFirstTurn() {
		postTurn("rejected-new-1", "{\"content\": ").assertError(400, INVALID_REQUEST, "malformed_json");
		postTurn("rejected-new-1", "{\"content\": \"\"}").assertError(400, INVALID_REQUEST, "invalid_field");
		postTurn("rejected-new-1", "{}").assertError(400, INVALID_REQUEST, "invalid_field");
		getConversation(acme, "rejected-new-1").assertError(404, "not_found_error", "not_found");
	}

	@Test
	void leavesAnExistingConversationUnchangedByRejectedTurns() {
		completeTurn("rejected-existing-1", "first");
		JsonNode before = getConversation(acme, "rejected-existing-1").json();
		assertThat(before.path("version").asLong()).isPositive();
		postTurn("rejected-existing-1", "{\"content\": \"unterminated").assertError(400, INVALID_REQUEST,
				"malformed_json");
		postTurn("rejected-existing-1", "{\"content\": [\"a\"]}").assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("content");
		postTurn("rejected-existing-1", "{\"model\": \"scripted\"}").assertError(400, INVALID_REQUEST, "invalid_field");
		postTurn("rejected-existing-1", "{\"content\": \"x\", \"model\": \" \"}")
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("model");
		JsonNode after = getConversation(acme, "rejected-existing-1").json();
		assertThat(after.path("version").asLong()).isEqualTo(before.path("version").asLong());
		assertThat(after.path("messages")).isEqualTo(before.path("messages"));
		// The rejected requests left no lease behind: the next good turn runs.
		completeTurn("rejected-existing-1", "second");
		assertThat(getConversation(acme, "rejected-existing-1").json().path("messages").size())
			.isEqualTo(before.path("messages").size() + 2);
	}

}
