package io.toolgate.bench.floor;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.ByteBufFlux;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The floor proxy on a random port in front of a tiny upstream on another: request and
 * response bytes pass through unchanged, streamed or not. Both start once for the class;
 * what the upstream saw is reset per test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FloorProxyIntegrationTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	private static final String KEY = "floor-test-key";

	private static final Consumer<String> IGNORE = (chunk) -> {
	};

	private static final String REQUEST = "{\"model\":\"m\",\"stream\":%s,"
			+ "\"messages\":[{\"role\":\"user\",\"content\":\"héllo\"}]}";

	private static final String JSON_ANSWER = "{\"id\":\"c1\",\"choices\":[{\"message\":{\"content\":\"hi ✓\"}}]}";

	private static final String FIRST_EVENT = "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n";

	private static final String LAST_EVENTS = "data: {\"choices\":[{\"delta\":{\"content\":\" ✓\"}}]}\n\n"
			+ "data: [DONE]\n\n";

	private final AtomicReference<String> received = new AtomicReference<>();

	private final AtomicReference<String> receivedType = new AtomicReference<>();

	private final AtomicInteger upstreamCalls = new AtomicInteger();

	/**
	 * Holds the rest of the stream back until the client has the first event: proves the
	 * proxy does not buffer.
	 */
	private volatile Sinks.One<Boolean> release = Sinks.one();

	private DisposableServer upstream;

	private ConfigurableApplicationContext proxy;

	private HttpClient client;

	@BeforeAll
	void start() {
		this.upstream = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route((routes) -> routes.post("/v1/chat/completions", this::answer))
			.bindNow(TIMEOUT);
		this.proxy = SpringApplication.run(FloorProxyApplication.class, "--server.port=0", "--server.address=127.0.0.1",
				"--floor.upstream=http://127.0.0.1:" + this.upstream.port() + "/v1", "--floor.key=" + KEY);
		String port = this.proxy.getEnvironment().getRequiredProperty("local.server.port");
		this.client = HttpClient.create().baseUrl("http://127.0.0.1:" + port);
	}

	@AfterAll
	void stop() {
		this.proxy.close();
		this.upstream.disposeNow(TIMEOUT);
	}

	@BeforeEach
	void reset() {
		this.received.set(null);
		this.receivedType.set(null);
		this.upstreamCalls.set(0);
		this.release = Sinks.one();
	}

	@Test
	void relaysNonStreamingBytesUnchanged() {
		String request = REQUEST.formatted("false");
		StepVerifier.create(post(request, KEY, IGNORE)).assertNext((answer) -> {
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.contentType()).isEqualTo("application/json");
			assertThat(answer.body()).isEqualTo(JSON_ANSWER);
		}).verifyComplete();
		assertThat(this.received.get()).isEqualTo(request);
		assertThat(this.receivedType.get()).isEqualTo("application/json");
	}

	@Test
	void streamsEventsUnchangedAsTheyArrive() {
		String request = REQUEST.formatted("true");
		StepVerifier.create(post(request, KEY, (chunk) -> this.release.tryEmitValue(true))).assertNext((answer) -> {
			assertThat(answer.status()).isEqualTo(200);
			assertThat(answer.contentType()).isEqualTo("text/event-stream");
			assertThat(answer.body()).isEqualTo(FIRST_EVENT + LAST_EVENTS);
		}).expectComplete().verify(TIMEOUT);
		assertThat(this.received.get()).isEqualTo(request);
	}

	@Test
	void relaysUpstreamErrorStatus() {
		StepVerifier.create(post("{\"fail\":true}", KEY, IGNORE)).assertNext((answer) -> {
			assertThat(answer.status()).isEqualTo(429);
			assertThat(answer.body()).isEqualTo("{\"error\":{\"type\":\"rate_limited\"}}");
		}).verifyComplete();
	}

	@Test
	void refusesWrongKeyWithoutCallingUpstream() {
		StepVerifier.create(post(REQUEST.formatted("false"), "not-the-key", IGNORE))
			.assertNext((answer) -> assertThat(answer.status()).isEqualTo(401))
			.verifyComplete();
		StepVerifier.create(post(REQUEST.formatted("false"), null, IGNORE))
			.assertNext((answer) -> assertThat(answer.status()).isEqualTo(401))
			.verifyComplete();
		assertThat(this.upstreamCalls).hasValue(0);
	}

	private Mono<Void> answer(HttpServerRequest request, HttpServerResponse response) {
		this.upstreamCalls.incrementAndGet();
		this.receivedType.set(request.requestHeaders().get(HttpHeaderNames.CONTENT_TYPE));
		return request.receive().aggregate().asString(StandardCharsets.UTF_8).flatMap((body) -> {
			this.received.set(body);
			if (body.contains("\"fail\"")) {
				return response.status(429)
					.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
					.sendString(Mono.just("{\"error\":{\"type\":\"rate_limited\"}}"))
					.then();
			}
			if (body.contains("\"stream\":true")) {
				Flux<String> events = Flux.concat(Mono.just(FIRST_EVENT),
						this.release.asMono().timeout(TIMEOUT).thenReturn(LAST_EVENTS));
				return response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
					.sendString(events, StandardCharsets.UTF_8)
					.then();
			}
			return response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
				.sendString(Mono.just(JSON_ANSWER), StandardCharsets.UTF_8)
				.then();
		});
	}

	private record Answer(int status, String contentType, String body) {
	}

	private Mono<Answer> post(String body, @Nullable String key, Consumer<String> onChunk) {
		return this.client.headers((headers) -> {
			headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
			if (key != null) {
				headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + key);
			}
		})
			.post()
			.uri("/v1/chat/completions")
			.send(ByteBufFlux.fromString(Mono.just(body)))
			.responseConnection((response, connection) -> connection.inbound()
				.receive()
				.asString(StandardCharsets.UTF_8)
				.doOnNext(onChunk)
				.collect(StringBuilder::new, StringBuilder::append)
				.map((text) -> new Answer(response.status().code(),
						String.valueOf(response.responseHeaders().get(HttpHeaderNames.CONTENT_TYPE)), text.toString())))
			.single()
			.timeout(TIMEOUT);
	}

}
