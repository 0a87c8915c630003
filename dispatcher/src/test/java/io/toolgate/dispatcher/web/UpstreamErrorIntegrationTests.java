package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.LogCapture;
import io.toolgate.dispatcher.turn.DetachedTurns;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A model upstream that fails the way real providers do, with error text that carries a
 * masked key and an organisation id: clients get a generic message with the status class
 * on both channels (the HTTP error and the SSE {@code error} event), and the provider's
 * text reaches the log once, redacted.
 */
@Timeout(60)
class UpstreamErrorIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String MASKED_KEY = "sk-proj-abc1***************wxyz";

	private static final String ORGANISATION = "org-AbCdEf0123456789";

	/** What a provider says when the gateway's key is wrong. */
	private static final String UNAUTHORIZED = "{\"error\": {\"message\": \"Incorrect API key provided: " + MASKED_KEY
			+ ". You can find your API key in the dashboard of " + ORGANISATION
			+ ".\", \"type\": \"invalid_request_error\", \"code\": \"invalid_api_key\"}}";

	private static final String OVERLOADED = "{\"error\": {\"message\": \"The engine is overloaded on shard db-7 for "
			+ ORGANISATION + "\"}}";

	private static final List<String> SECRETS = List.of(MASKED_KEY, "abc1", "wxyz", ORGANISATION, "Incorrect API key",
			"shard db-7", "overloaded");

	private static DisposableServer upstream;

	private static GatewayApp app;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		// 503 when the user asks for it, 401 otherwise.
		upstream = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route(routes -> routes.post("/v1/chat/completions",
					(request, response) -> request.receive().aggregate().asString().flatMap(body -> {
						boolean overloaded = body.contains("please-overload");
						return response.status(overloaded ? 503 : 401)
							.header("Content-Type", "application/json")
							.sendString(Mono.just(overloaded ? OVERLOADED : UNAUTHORIZED))
							.then();
					})))
			.bindNow();
		app = GatewayApp.start(Map.of("toolgate.upstream.base-url", "http://127.0.0.1:" + upstream.port() + "/v1"));
		acme = app.client(GatewayApp.ACME_KEY);
	}

	@AfterAll
	static void stop() {
		app.close();
		upstream.disposeNow(Duration.ofSeconds(5));
	}

	private static ErrorReply chat(boolean stream, String content) {
		return ErrorReply.of(acme.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("stream", stream, "messages", List.of(Map.of("role", "user", "content", content)))));
	}

	@Test
	void givesHttpClientsAGenericMessageWithTheStatusClass() {
		ErrorReply rejected = chat(false, "hi");
		rejected.assertError(502, "upstream_error", "upstream_client_error");
		assertThat(rejected.message()).isEqualTo("Model upstream rejected the request (HTTP 4xx)");
		assertThat(rejected.raw()).doesNotContain(SECRETS).doesNotContain("401");
		ErrorReply failed = chat(false, "please-overload");
		failed.assertError(502, "upstream_error", "upstream_server_error");
		assertThat(failed.message()).isEqualTo("Model upstream failed (HTTP 5xx)");
		assertThat(failed.raw()).doesNotContain(SECRETS).doesNotContain("503");
	}

	@Test
	void givesStreamingClientsAGenericErrorEvent() {
		ErrorReply streamed = chat(true, "hi");
		assertThat(streamed.status()).isEqualTo(200);
		assertThat(streamed.raw()).contains("Model upstream rejected the request (HTTP 4xx)").doesNotContain(SECRETS);
		List<ServerSentEvent<String>> events = SseClient.startTurn(acme, "upstream-401", "hi")
			.collectList()
			.block(WAIT);
		JsonNode error = events.stream()
			.filter(event -> "turn.error".equals(event.event()))
			.map(event -> JSON.readTree(event.data()))
			.findFirst()
			.orElseThrow();
		assertThat(error.toString()).contains("Model upstream rejected the request (HTTP 4xx)")
			.contains("upstream_client_error")
			.doesNotContain(SECRETS);
	}

	@Test
	void logsTheProvidersTextRedactedAtTheRightLevel() {
		try (LogCapture upstreamLog = LogCapture.of("io.toolgate.dispatcher.error.UpstreamErrors", Level.DEBUG);
				LogCapture turnLog = LogCapture.of(DetachedTurns.class, Level.DEBUG);
				LogCapture writerLog = LogCapture.of(ErrorResponseWriter.class, Level.DEBUG)) {
			chat(false, "hi");
			chat(false, "please-overload");
			SseClient.startTurn(acme, "upstream-log-1", "hi").collectList().block(WAIT);
			List<ILoggingEvent> events = upstreamLog.events();
			assertThat(events).hasSize(3);
			assertThat(events).extracting(ILoggingEvent::getLevel)
				.containsExactly(Level.ERROR, Level.WARN, Level.ERROR);
			assertThat(events.get(0).getFormattedMessage()).contains("status=401")
				.contains("Incorrect API key provided: [redacted]")
				.doesNotContain(MASKED_KEY)
				.doesNotContain(ORGANISATION);
			assertThat(events.get(1).getFormattedMessage()).contains("status=503").doesNotContain(ORGANISATION);
			assertThat(events).allSatisfy(event -> assertThat(event.getThrowableProxy()).isNull());
			for (LogCapture log : List.of(turnLog, writerLog)) {
				assertThat(log.events()).allSatisfy(event -> {
					assertThat(event.getFormattedMessage()).doesNotContain(MASKED_KEY).doesNotContain(ORGANISATION);
					assertThat(event.getThrowableProxy()).isNull();
				});
			}
		}
	}

}
