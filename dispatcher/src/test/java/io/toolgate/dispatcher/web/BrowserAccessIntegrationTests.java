package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.LogCapture;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a browser page relies on, over real HTTP: CORS answered before authentication and
 * only for allowed origins, stream tokens in {@code turn.started} and
 * {@code Toolgate-Stream-Token} that open their own turn's events and nothing else and
 * are never logged, and the demo page at {@code /}.
 */
@Timeout(120)
class BrowserAccessIntegrationTests {

	private static final String PAGE_ORIGIN = "https://chat.example.com";

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		app = GatewayApp.start(Map.of("toolgate.http.cors.allowed-origins", PAGE_ORIGIN));
	}

	@AfterAll
	static void stop() {
		app.close();
	}

	@Test
	void answersAnAllowedPreflightBeforeAuthentication() {
		Reply reply = send(app.anonymousClient()
			.options()
			.uri("/v1/conversations/c/turns")
			.header(HttpHeaders.ORIGIN, PAGE_ORIGIN)
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "POST")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_HEADERS, "authorization, content-type"));

		assertThat(reply.status()).isEqualTo(200);
		assertThat(reply.headers().getAccessControlAllowOrigin()).isEqualTo(PAGE_ORIGIN);
		assertThat(reply.headers().getAccessControlAllowMethods()).contains(HttpMethod.POST);
		assertThat(reply.headers().getAccessControlAllowHeaders()).contains("authorization", "content-type");
		assertThat(reply.headers().getAccessControlMaxAge()).isEqualTo(600);
		assertThat(reply.headers().getAccessControlAllowCredentials()).isFalse();
	}

	@Test
	void refusesThePreflightOfAnotherOriginWithoutCorsHeaders() {
		Reply reply = send(app.anonymousClient()
			.options()
			.uri("/v1/tools")
			.header(HttpHeaders.ORIGIN, "https://evil.example")
			.header(HttpHeaders.ACCESS_CONTROL_REQUEST_METHOD, "GET"));

		assertThat(reply.status()).isEqualTo(403);
		assertThat(reply.json().path("error").path("code").asString()).isEqualTo("cors_rejected");
		assertThat(corsHeaders(reply)).isEmpty();
	}

	@Test
	void exposesHeadersToAllowedOriginsOnAnswersAndErrorsAlike() {
		Reply ok = send(app.client(GatewayApp.ACME_KEY).get().uri("/v1/tools").header(HttpHeaders.ORIGIN, PAGE_ORIGIN));
		Reply unauthenticated = send(
				app.anonymousClient().get().uri("/v1/tools").header(HttpHeaders.ORIGIN, PAGE_ORIGIN));

		assertThat(ok.status()).isEqualTo(200);
		assertThat(ok.headers().getAccessControlAllowOrigin()).isEqualTo(PAGE_ORIGIN);
		assertThat(ok.headers().getAccessControlExposeHeaders()).contains("Toolgate-Turn-Id", "Toolgate-Stream-Token",
				"Retry-After", "RateLimit", "RateLimit-Policy");
		assertThat(unauthenticated.status()).isEqualTo(401);
		assertThat(unauthenticated.headers().getAccessControlAllowOrigin()).isEqualTo(PAGE_ORIGIN);
	}

	@Test
	void givesAnotherOriginNoCorsHeaders() {
		Reply reply = send(app.client(GatewayApp.ACME_KEY)
			.get()
			.uri("/v1/tools")
			.header(HttpHeaders.ORIGIN, "https://evil.example"));

		assertThat(corsHeaders(reply)).isEmpty();
	}

	@Test
	void streamTokenOpensItsOwnTurnsEventsOnly() {
		Started started = startTurn("tokens-1");
		Started other = startTurn("tokens-2");
		String events = "/v1/conversations/tokens-1/turns/" + started.turnId() + "/events?token=" + started.token();

		assertThat(started.token()).isEqualTo(started.tokenInEvent());
		List<ServerSentEvent<String>> replay = app.anonymousClient()
			.get()
			.uri(events)
			.retrieve()
			.bodyToFlux(SseClient.EVENTS)
			.filter(event -> event.data() != null)
			.collectList()
			.block(WAIT);
		assertThat(replay).first().satisfies(event -> assertThat(event.event()).isEqualTo("turn.started"));
		assertThat(replay.get(0).data()).as("a token does not renew itself").doesNotContain("streamToken");
		assertThat(replay).last().satisfies(event -> assertThat(event.event()).isEqualTo("turn.completed"));

		String token = "?token=" + started.token();
		assertThat(status(app.anonymousClient()
			.get()
			.uri("/v1/conversations/tokens-2/turns/" + other.turnId() + "/events" + token))).isEqualTo(401);
		assertThat(status(app.anonymousClient().get().uri("/v1/conversations/tokens-1" + token))).isEqualTo(401);
		assertThat(status(app.anonymousClient().delete().uri("/v1/conversations/tokens-1" + token))).isEqualTo(401);
		assertThat(status(app.anonymousClient()
			.post()
			.uri("/v1/conversations/tokens-1/turns" + token)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"content\":\"hi\"}"))).isEqualTo(401);
		assertThat(status(app.anonymousClient().get().uri(events + "x"))).isEqualTo(401);
	}

	@Test
	void resumingAfterTheTerminalEventEndsWithStreamEnd() {
		Started started = startTurn("tokens-3");

		List<ServerSentEvent<String>> after = SseClient
			.resume(app.client(GatewayApp.ACME_KEY), "tokens-3", started.turnId(), started.lastId())
			.collectList()
			.block(WAIT);

		assertThat(after).singleElement().satisfies(event -> {
			assertThat(event.event()).isEqualTo("stream.end");
			assertThat(event.id()).isNull();
		});
	}

	@Test
	void neverLogsStreamTokens() {
		try (LogCapture logs = LogCapture.of("io.toolgate", Level.DEBUG);
				LogCapture netty = LogCapture.of("reactor.netty", Level.DEBUG)) {
			Started started = startTurn("tokens-4");
			status(app.anonymousClient()
				.get()
				.uri("/v1/conversations/tokens-4/turns/turn_nope/events?token=" + started.token()));
			status(app.anonymousClient()
				.get()
				.uri("/v1/conversations/tokens-4/turns/" + started.turnId() + "/events?token=" + started.token()));

			assertThat(logs.events()).extracting(ILoggingEvent::getFormattedMessage)
				.noneMatch(message -> message.contains(started.token()));
			assertThat(netty.events()).extracting(ILoggingEvent::getFormattedMessage)
				.noneMatch(message -> message.contains(started.token()));
		}
	}

	@Test
	void servesTheDemoPageInDemoMode() {
		Reply page = send(app.anonymousClient().get().uri("/"));
		Reply script = send(app.anonymousClient().get().uri("/chat/chat.js"));

		assertThat(page.status()).isEqualTo(200);
		assertThat(page.headers().getContentType()).isEqualTo(MediaType.TEXT_HTML);
		assertThat(page.headers().getFirst("Content-Security-Policy")).contains("connect-src 'self'");
		assertThat(page.body()).contains("<title>Toolgate chat</title>");
		assertThat(script.status()).isEqualTo(200);
		assertThat(script.body()).contains("new EventSource(");
		assertThat(send(app.anonymousClient().get().uri("/chat/nope.js")).status()).isEqualTo(404);
	}

	private static Started startTurn(String conversation) {
		return app.client(GatewayApp.ACME_KEY)
			.post()
			.uri("/v1/conversations/{id}/turns", conversation)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(Map.of("content", "hi"))
			.exchangeToMono(response -> response.bodyToFlux(SseClient.EVENTS)
				.filter(event -> event.data() != null)
				.collectList()
				.map(events -> new Started(response.headers().asHttpHeaders().getFirst("Toolgate-Turn-Id"),
						response.headers().asHttpHeaders().getFirst("Toolgate-Stream-Token"),
						JSON.readTree(events.get(0).data()).path("streamToken").asString(),
						Long.parseLong(events.get(events.size() - 1).id()))))
			.block(WAIT);
	}

	private static List<String> corsHeaders(Reply reply) {
		return reply.headers()
			.headerNames()
			.stream()
			.filter(name -> name.toLowerCase().startsWith("access-control-"))
			.toList();
	}

	private static int status(WebClient.RequestHeadersSpec<?> request) {
		return send(request).status();
	}

	private static Reply send(WebClient.RequestHeadersSpec<?> request) {
		return request.exchangeToMono(BrowserAccessIntegrationTests::reply).block(WAIT);
	}

	private static Mono<Reply> reply(ClientResponse response) {
		return response.bodyToMono(String.class)
			.defaultIfEmpty("")
			.map(body -> new Reply(response.statusCode().value(), response.headers().asHttpHeaders(), body));
	}

	private record Started(String turnId, String token, String tokenInEvent, long lastId) {
	}

	private record Reply(int status, HttpHeaders headers, String body) {

		JsonNode json() {
			return JSON.readTree(this.body);
		}

	}

}
