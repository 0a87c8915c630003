package io.toolgate.dispatcher.web;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.LogCapture;
import io.toolgate.dispatcher.support.RawHttp;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.FreePorts;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge of the gateway against requests built to slip past it: ambiguous paths,
 * doubled headers, malformed media types and encodings, protocol-level rejections,
 * aborted uploads and out-of-range parameters. Every answer is the JSON error with the
 * right status, never a 500 or a stack trace.
 */
@Timeout(120)
class EdgeHardeningIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String INVALID_REQUEST = "invalid_request_error";

	/** Every route of the API with a body it accepts. */
	private static final List<Route> ROUTES = List.of(new Route(HttpMethod.GET, "/v1/models", null),
			new Route(HttpMethod.GET, "/v1/tools", null),
			new Route(HttpMethod.POST, "/v1/tools/calculator/invocations",
					"{\"arguments\": {\"a\": 1, \"b\": 2, \"op\": \"add\"}}"),
			new Route(HttpMethod.POST, "/v1/chat/completions",
					"{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"),
			new Route(HttpMethod.POST, "/v1/conversations/path-1/turns", "{\"content\": \"hi\"}"),
			new Route(HttpMethod.GET, "/v1/conversations/path-1/turns/turn-1/events", null),
			new Route(HttpMethod.GET, "/v1/conversations/path-1", null),
			new Route(HttpMethod.DELETE, "/v1/conversations/path-1", null));

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static DisposableServer hangingUpWorker;

	private static GatewayApp app;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start((request, index) -> ChatScripts.text("Echo: ", "ok"));
		worker = ToolWorker.start(1, Duration.ZERO);
		// Reads the request, then closes the connection without a word.
		hangingUpWorker = TcpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle((in, out) -> in.receive().next().doOnNext(bytes -> in.withConnection(Connection::dispose)).then())
			.bindNow();
		app = GatewayApp.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.tools.registry",
				registry().toString()));
		acme = app.client(GatewayApp.ACME_KEY);
	}

	@AfterAll
	static void stop() {
		app.close();
		hangingUpWorker.disposeNow(Duration.ofSeconds(5));
		worker.close();
		upstream.close();
	}

	private static Path registry() {
		String tool = """
				  - name: %s
				    description: %s
				    input-schema:
				      type: object
				      properties:
				        city: { type: string, minLength: 1 }
				      required: [city]
				    executor: { type: http, url: %s }
				    retry: { max-attempts: 1 }
				""";
		String yaml = "tools:\n" + tool.formatted("weather", "Weather from a worker", worker.weatherUrl())
				+ tool.formatted("refused", "A worker nobody listens for",
						"http://127.0.0.1:" + FreePorts.free() + "/x")
				+ tool.formatted("hangup", "A worker that hangs up",
						"http://127.0.0.1:" + hangingUpWorker.port() + "/x")
				+ """
						  - name: calculator
						    description: Calculate with two numbers
						    input-schema:
						      type: object
						      properties:
						        a: { type: number }
						        b: { type: number }
						        op: { type: string, enum: [add, subtract, multiply, divide] }
						      required: [a, b, op]
						    executor: { type: builtin, name: calculator }
						""";
		return TestRegistry.write(yaml);
	}

	private static ErrorReply send(WebClient client, HttpMethod method, String rawPath, String body) {
		WebClient.RequestBodySpec request = client.method(method).uri(URI.create(app.baseUrl() + rawPath));
		if (body == null) {
			return ErrorReply.of(request);
		}
		return ErrorReply.of(request.contentType(MediaType.APPLICATION_JSON).bodyValue(body));
	}

	private static ErrorReply postBytes(String path, String contentType, byte[] body) {
		return ErrorReply.of(acme.post().uri(path).header(HttpHeaders.CONTENT_TYPE, contentType).bodyValue(body));
	}

	private static ErrorReply postChat(String body) {
		return postBytes("/v1/chat/completions", "application/json", body.getBytes(StandardCharsets.UTF_8));
	}

	// 4. Ambiguous paths

	static Stream<Arguments> ambiguousPaths() {
		List<Arguments> cases = new ArrayList<>();
		for (Route route : ROUTES) {
			String rest = route.path().substring("/v1".length());
			for (String path : List.of("/v1;x" + rest, "/v1;a=b" + rest, "/%761" + rest, route.path() + ";x",
					"/v1" + rest.replaceFirst("/", "%2F"), "/v1/." + rest, "/v1/x/.." + rest,
					"/v1" + rest.replaceFirst("/", "/%2e/"))) {
				cases.add(Arguments.of(route.method(), path, route.body()));
			}
		}
		return cases.stream();
	}

	@ParameterizedTest(name = "{0} {1}")
	@MethodSource("ambiguousPaths")
	void rejectsAmbiguousPathsBeforeAuthenticationAndRateLimiting(HttpMethod method, String path, String body) {
		ErrorReply reply = send(app.anonymousClient(), method, path, body);
		reply.assertError(400, INVALID_REQUEST, "invalid_path");
		assertThat(reply.headers().containsHeader("RateLimit")).as("rate-limit headers").isFalse();
	}

	@Test
	void rejectsAmbiguousPathsWithAValidKeyWithoutRunningTheTool() {
		int before = worker.requests();
		send(acme, HttpMethod.POST, "/v1/tools/weather;x/invocations", "{\"arguments\": {\"city\": \"Oslo\"}}")
			.assertError(400, INVALID_REQUEST, "invalid_path");
		send(acme, HttpMethod.POST, "/v1/tools/%77eather/invocations", "{\"arguments\": {\"city\": \"Oslo\"}}")
			.assertError(400, INVALID_REQUEST, "invalid_path");
		assertThat(worker.requests()).isEqualTo(before);
		// The plain path still works, with its rate-limit headers.
		ErrorReply plain = send(acme, HttpMethod.GET, "/v1/tools", null);
		assertThat(plain.status()).isEqualTo(200);
		assertThat(plain.headers().containsHeader("RateLimit")).isTrue();
	}

	// 5. Two Authorization headers

	@Test
	void rejectsTwoAuthorizationHeaders() {
		for (String second : List.of("Bearer not-a-key", "Bearer " + GatewayApp.GLOBEX_KEY)) {
			ErrorReply
				.of(app.anonymousClient()
					.get()
					.uri("/v1/models")
					.headers(headers -> headers.addAll(HttpHeaders.AUTHORIZATION,
							List.of("Bearer " + GatewayApp.ACME_KEY, second))))
				.assertError(400, INVALID_REQUEST, "invalid_header");
		}
	}

	// 6. Idempotency keys reaching tool workers

	@Test
	void sendsWorkersAKeyDerivedFromTenantAndClientKeyNeverTheRawKey() {
		String clientKey = "shared-key-" + System.nanoTime();
		for (WebClient client : List.of(acme, app.client(GatewayApp.GLOBEX_KEY))) {
			ErrorReply reply = ErrorReply.of(client.post()
				.uri("/v1/tools/weather/invocations")
				.header("Idempotency-Key", clientKey)
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue("{\"arguments\": {\"city\": \"Oslo\"}}"));
			assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
			assertThat(reply.headers().getFirst(ToolsHandler.REPLAYED_HEADER)).isEqualTo("false");
		}
		String acmeKey = workerKeyOf("acme");
		String globexKey = workerKeyOf("globex");
		assertThat(acmeKey).isEqualTo(sha256Hex("acme\0" + clientKey));
		assertThat(globexKey).isEqualTo(sha256Hex("globex\0" + clientKey));
		assertThat(acmeKey).isNotEqualTo(globexKey).isNotEqualTo(clientKey);
	}

	private static String workerKeyOf(String tenant) {
		return worker.headers()
			.stream()
			.filter(headers -> tenant.equals(headers.get("x-toolgate-tenant"))
					&& headers.containsKey("idempotency-key"))
			.reduce((first, second) -> second)
			.map(headers -> headers.get("idempotency-key"))
			.orElseThrow();
	}

	private static String sha256Hex(String value) {
		try {
			return HexFormat.of()
				.formatHex(java.security.MessageDigest.getInstance("SHA-256")
					.digest(value.getBytes(StandardCharsets.UTF_8)));
		}
		catch (java.security.NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	// 7. Malformed Content-Type

	@ParameterizedTest(name = "Content-Type: {0}")
	@ValueSource(strings = { "a b", "charset=nope", "/", "application/", "application/json; charset=nope",
			"application/json; charset=\"" })
	void answers415ToAMalformedContentTypeWithoutAStackTrace(String contentType) {
		try (LogCapture log = LogCapture.of(ErrorResponseWriter.class, Level.WARN)) {
			for (Route route : ROUTES) {
				if (route.body() != null) {
					// Raw bytes: an HTTP client would refuse to send a media type it
					// cannot parse.
					byte[] body = route.body().getBytes(StandardCharsets.UTF_8);
					String response = RawHttp.exchange(app.port(),
							RawHttp.bytes("POST " + route.path()
									+ " HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer "
									+ GatewayApp.ACME_KEY + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
									+ body.length + "\r\n\r\n" + route.body()),
							Duration.ofSeconds(5));
					ErrorReply.parse(response).assertError(415, INVALID_REQUEST, "unsupported_media_type");
				}
			}
			assertThat(log.events()).as("warnings of the error writer").isEmpty();
		}
	}

	// 9. Tool failures in plain words

	@Test
	void describesToolWorkerFailuresInPlainWords() {
		ErrorReply refused = postBytes("/v1/tools/refused/invocations", "application/json",
				"{\"arguments\": {\"city\": \"Oslo\"}}".getBytes(StandardCharsets.UTF_8));
		refused.assertError(502, "upstream_error", "tool_worker_error");
		assertThat(refused.message()).contains("connection was refused");
		ErrorReply hungUp = postBytes("/v1/tools/hangup/invocations", "application/json",
				"{\"arguments\": {\"city\": \"Oslo\"}}".getBytes(StandardCharsets.UTF_8));
		hungUp.assertError(502, "upstream_error", "tool_worker_error");
		assertThat(hungUp.message()).contains("connection closed before the response was complete");
		for (ErrorReply reply : List.of(refused, hungUp)) {
			assertThat(reply.message()).doesNotContainPattern("[A-Z][a-z]+(Exception|Error)\\b");
		}
	}

	// 10. Protocol-level rejections

	@Test
	void answersAnOverlongRequestLineWithTheJsonError() {
		String response = RawHttp.exchange(app.port(),
				RawHttp.bytes("GET /v1/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n"), Duration.ofSeconds(3));
		assertJsonError(response, 414, "uri_too_long");
	}

	@Test
	void answersOverlargeHeadersWithTheJsonError() {
		String response = RawHttp.exchange(app.port(),
				RawHttp.bytes("GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(20_000) + "\r\n\r\n"),
				Duration.ofSeconds(3));
		assertJsonError(response, 431, "headers_too_large");
	}

	@Test
	void answersBadPercentEncodingWithTheJsonError() {
		String response = RawHttp.exchange(app.port(), RawHttp.bytes("GET /v1/zz%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
				Duration.ofSeconds(2));
		assertJsonError(response, 400, "malformed_request");
	}

	@Test
	void answersContentLengthWithTransferEncodingWithTheJsonError() {
		String response = RawHttp
			.exchange(app.port(),
					RawHttp.bytes("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
							+ "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
					Duration.ofSeconds(3));
		assertJsonError(response, 400, "malformed_request");
	}

	private static void assertJsonError(String response, int status, String code) {
		assertThat(response).as("response").startsWith("HTTP/1.1 " + status + " ");
		int split = response.indexOf("\r\n\r\n");
		assertThat(split).as("end of headers in %s", response).isPositive();
		String head = response.substring(0, split).toLowerCase();
		assertThat(head).contains("content-type: application/json");
		JsonNode error = JSON.readTree(response.substring(split + 4)).path("error");
		assertThat(error.path("type").asString()).isEqualTo(INVALID_REQUEST);
		assertThat(error.path("code").asString()).isEqualTo(code);
		assertThat(error.path("message").asString()).isNotBlank();
		assertThat(head).contains("content-length: " + response.substring(split + 4).length());
	}

	// 11. Aborted uploads

	@Test
	void logsAbortedUploadsAtDebugOnceEachAndCountsThem() throws InterruptedException {
		int uploads = 20;
		Counter aborted = app.context().getBean(MeterRegistry.class).get("toolgate.http.requests.aborted").counter();
		double before = aborted.count();
		try (LogCapture log = LogCapture.of(ErrorResponseWriter.class, Level.DEBUG)) {
			for (int i = 0; i < uploads; i++) {
				String path = List
					.of("/v1/chat/completions", "/v1/conversations/aborted-" + i + "/turns",
							"/v1/tools/calculator/invocations")
					.get(i % 3);
				RawHttp.abortUpload(app.port(),
						"POST " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + GatewayApp.ACME_KEY
								+ "\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n",
						RawHttp.bytes("{\"messages\": ["), Duration.ofMillis(50));
			}
			long deadline = System.nanoTime() + WAIT.toNanos();
			while (aborted.count() < before + uploads && System.nanoTime() < deadline) {
				Thread.sleep(50);
			}
			assertThat(aborted.count()).isEqualTo(before + uploads);
			List<ILoggingEvent> events = log.events();
			assertThat(events).as("one line per aborted upload").hasSize(uploads);
			assertThat(events).allSatisfy(event -> {
				assertThat(event.getLevel()).isEqualTo(Level.DEBUG);
				assertThat(event.getThrowableProxy()).as("stack trace").isNull();
				assertThat(event.getFormattedMessage()).contains("client closed the connection");
			});
		}
	}

	// 13. Invalid UTF-8

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "overlong slash \u00c0\u00af", "overlong three-byte \u00e0\u0080\u00af",
			"surrogate \u00ed\u00a0\u0080", "beyond U+10FFFF \u00f4\u0090\u0080\u0080", "stray continuation \u0080",
			"truncated \u00e6\u0097" })
	void rejectsInvalidUtf8InBodies(String content) {
		String conversation = "utf8-" + Integer.toHexString(content.hashCode());
		byte[] turn = RawHttp.bytes("{\"content\": \"" + content + "\"}");
		postBytes("/v1/conversations/" + conversation + "/turns", "application/json", turn).assertError(400,
				INVALID_REQUEST, "invalid_encoding");
		postBytes("/v1/chat/completions", "application/json; charset=utf-8",
				RawHttp.bytes("{\"messages\": [{\"role\": \"user\", \"content\": \"" + content + "\"}]}"))
			.assertError(400, INVALID_REQUEST, "invalid_encoding");
		postBytes("/v1/tools/weather/invocations", "application/json",
				RawHttp.bytes("{\"arguments\": {\"city\": \"" + content + "\"}}"))
			.assertError(400, INVALID_REQUEST, "invalid_encoding");
		ErrorReply.of(acme.get().uri("/v1/conversations/{id}", conversation))
			.assertError(404, "not_found_error", "not_found");
	}

	@Test
	void rejectsInvalidUtf8InThePath() {
		send(acme, HttpMethod.GET, "/v1/conversations/a%C0%AFb", null).assertError(400, INVALID_REQUEST,
				"invalid_path");
		send(acme, HttpMethod.GET, "/v1/conversations/a%E6%97", null).assertError(400, INVALID_REQUEST, "invalid_path");
	}

	@Test
	void keepsWellFormedMultibyteUtf8Intact() {
		String content = "héllo – 日本 🎉 /";
		SseClient.startTurn(acme, "utf8-ok-1", content).collectList().block(WAIT);
		JsonNode conversation = ErrorReply.of(acme.get().uri("/v1/conversations/{id}", "utf8-ok-1")).json();
		assertThat(conversation.path("messages").path(0).path("content").asString()).isEqualTo(content);
	}

	// 14. OpenAI parameters

	@ParameterizedTest(name = "{0}: {1}")
	@MethodSource("outOfRangeParameters")
	void rejectsOutOfRangeParametersNamingTheField(String field, String value) {
		postChat("{\"" + field + "\": " + value + ", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames(field);
	}

	static Stream<Arguments> outOfRangeParameters() {
		return Stream.of(Arguments.of("n", "0"), Arguments.of("n", "-1"), Arguments.of("n", "2"),
				Arguments.of("n", "1.5"), Arguments.of("n", "\"1\""), Arguments.of("max_tokens", "0"),
				Arguments.of("max_tokens", "-5"), Arguments.of("max_completion_tokens", "0"),
				Arguments.of("temperature", "-0.1"), Arguments.of("temperature", "2.01"),
				Arguments.of("temperature", "\"hot\""), Arguments.of("top_p", "-0.1"), Arguments.of("top_p", "1.5"),
				Arguments.of("top_p", "true"));
	}

	@Test
	void acceptsParametersAtTheirBounds() {
		for (String parameters : List.of("\"n\": 1, \"temperature\": 0, \"top_p\": 0, \"max_tokens\": 1",
				"\"temperature\": 2, \"top_p\": 1, \"max_completion_tokens\": 16",
				"\"n\": null, \"temperature\": null, \"top_p\": null, \"max_tokens\": null")) {
			ErrorReply reply = postChat(
					"{" + parameters + ", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
			assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
		}
	}

	@Test
	void rejectsNumbersWhereStringsAreRequired() {
		postChat("{\"model\": 5, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}")
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("model");
		postChat("{\"messages\": [{\"role\": \"user\", \"content\": 42}]}")
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("messages[0].content");
		postChat("{\"messages\": [{\"role\": \"user\", \"content\": true}]}")
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("messages[0].content");
		postBytes("/v1/conversations/numbers-1/turns", "application/json",
				"{\"content\": 42}".getBytes(StandardCharsets.UTF_8))
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("content");
		postBytes("/v1/conversations/numbers-1/turns", "application/json",
				"{\"content\": \"hi\", \"model\": 4.5}".getBytes(StandardCharsets.UTF_8))
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("model");
	}

	// 15. Turn ids

	@Test
	void namesTheTurnIdForAnInvalidTurnId() {
		ErrorReply
			.of(acme.get()
				.uri("/v1/conversations/{id}/turns/{turnId}/events", "fine-id", "bad turn!")
				.accept(MediaType.TEXT_EVENT_STREAM))
			.assertError(400, INVALID_REQUEST, "invalid_field")
			.assertNames("turn_id");
	}

	private record Route(HttpMethod method, String path, String body) {
	}

}
