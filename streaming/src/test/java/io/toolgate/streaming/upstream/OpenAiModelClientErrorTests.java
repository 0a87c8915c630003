package io.toolgate.streaming.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.function.Consumer;

import io.toolgate.streaming.openai.ChatCompletionChunk.Delta;
import io.toolgate.streaming.support.BaseUpstreamTest;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import io.toolgate.test.FreePorts;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.toolgate.streaming.support.ChunkPayloads.DONE;
import static io.toolgate.streaming.support.ChunkPayloads.chunk;
import static io.toolgate.streaming.support.ChunkPayloads.text;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How {@link OpenAiModelClient} reports the upstream's failures: each as an
 * {@link UpstreamException} of its kind.
 */
class OpenAiModelClientErrorTests extends BaseUpstreamTest {

	@Test
	void mapsBadRequestWithUpstreamMessage() {
		this.upstream.answerJson(400,
				"{\"error\":{\"message\":\"Invalid model 'x'\",\"type\":\"invalid_request_error\"}}");
		expectFailure(client(settings()).stream(this.request),
				(error) -> assertThat(error).isInstanceOfSatisfying(UpstreamException.class, (e) -> {
					assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR);
					assertThat(e.status()).isEqualTo(400);
					assertThat(e.getMessage()).contains("Invalid model 'x'");
					assertThat(e.isRetryable()).isFalse();
				}));
	}

	@Test
	void mapsTooManyRequestsToRateLimited() {
		this.upstream.answerJson(429, "{\"error\":{\"message\":\"Slow down\"}}");
		expectFailure(client(settings()).stream(this.request), (error) -> assertKind(error, Kind.RATE_LIMITED));
	}

	@Test
	void mapsServerErrorEvenWithoutJsonBody() {
		this.upstream.answer((response) -> response.status(502).sendString(Mono.just("bad gateway")));
		expectFailure(client(settings()).stream(this.request), (error) -> {
			assertKind(error, Kind.SERVER_ERROR);
			assertThat(((UpstreamException) error).status()).isEqualTo(502);
		});
	}

	@Test
	void readsStringErrorsAndCutsLongUpstreamMessages() {
		this.upstream.answerJson(403, "{\"error\":\"forbidden\"}");
		expectFailure(client(settings()).stream(this.request), Kind.CLIENT_ERROR,
				"upstream returned HTTP 403: forbidden");
		this.upstream.answerJson(503, "{\"error\":{\"message\":\"" + "x".repeat(600) + "\"}}");
		expectFailure(client(settings()).complete(this.request), Kind.SERVER_ERROR,
				"upstream returned HTTP 503: " + "x".repeat(500));
	}

	@Test
	void mapsUndecodableChunkToMalformed() {
		this.upstream.answerSse(Flux.just(text("ok"), "{not json", DONE));
		expectFailureAfter(new ModelEvent.Token("ok"), (error) -> assertKind(error, Kind.MALFORMED));
	}

	@Test
	void mapsChunkWithoutChoicesToMalformed() {
		this.upstream.answerSse(Flux.just("{\"id\":\"cmpl-1\",\"object\":\"chat.completion.chunk\"}", DONE));
		expectFailure(client(settings()).stream(this.request), Kind.MALFORMED, "upstream sent a chunk without choices");
	}

	@Test
	void mapsOversizedEventToMalformed() {
		OpenAiClientSettings defaults = settings();
		OpenAiClientSettings small = new OpenAiClientSettings(defaults.baseUrl(), null, defaults.connectTimeout(),
				defaults.firstTokenTimeout(), defaults.idleTimeout(), defaults.requestTimeout(), 256, 4);
		this.upstream.answerSse(Flux.just(text("x".repeat(300)), DONE));
		expectFailure(client(small).stream(this.request), Kind.MALFORMED, "upstream event exceeds 256 bytes");
	}

	@Test
	void mapsInStreamErrorEventToServerError() {
		this.upstream.answerSse(Flux.just("{\"error\":{\"message\":\"overloaded\"}}"));
		expectFailure(client(settings()).stream(this.request), (error) -> {
			assertKind(error, Kind.SERVER_ERROR);
			assertThat(error).hasMessageContaining("overloaded");
		});
	}

	@Test
	void failsWithStreamCutWhenStreamEndsBeforeDoneAndFinishReason() {
		this.upstream.answerSse(Flux.just(chunk(Delta.content("par"), null)));
		expectFailureAfter(new ModelEvent.Token("par"), (error) -> assertKind(error, Kind.STREAM_CUT));
	}

	@Test
	void timesOutWaitingForFirstChunk() {
		this.upstream.answerSse(Flux.never());
		expectFailure(client(settings().withStreamTimeouts(Duration.ofMillis(300), Duration.ofSeconds(10)))
			.stream(this.request), (error) -> assertKind(error, Kind.FIRST_TOKEN_TIMEOUT));
	}

	@Test
	void timesOutWhenStreamGoesIdle() {
		this.upstream.answerSse(Flux.concat(Flux.just(text("a")), Flux.never()));
		StepVerifier
			.create(client(settings().withStreamTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300)))
				.stream(this.request))
			.expectNext(new ModelEvent.Token("a"))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.IDLE_TIMEOUT))
			.verify(VERIFY);
	}

	@Test
	void mapsConnectionRefusedToConnect() throws Exception {
		int port = FreePorts.free();
		OpenAiModelClient client = client(
				OpenAiClientSettings.ofDefaults(URI.create("http://127.0.0.1:" + port + "/v1")));
		expectFailure(client.stream(this.request), (error) -> assertKind(error, Kind.CONNECT));
		expectFailure(client.complete(this.request), (error) -> assertKind(error, Kind.CONNECT));
	}

	@Test
	void mapsNonStreamingErrorsAndTimeout() {
		this.upstream.answerJson(500, "{\"error\":{\"message\":\"boom\"}}");
		expectFailure(client(settings()).complete(this.request), (error) -> assertKind(error, Kind.SERVER_ERROR));
		this.upstream.answer((response) -> response.sendString(Flux.never()));
		expectFailure(client(settings().withRequestTimeout(Duration.ofMillis(300))).complete(this.request),
				(error) -> assertKind(error, Kind.FIRST_TOKEN_TIMEOUT));
	}

	@Test
	void mapsUndecodableResponseToMalformed() {
		this.upstream.answerJson(200, "{\"id\":\"cmpl-2\",\"choices\":[]}");
		expectFailure(client(settings()).complete(this.request), Kind.MALFORMED, "upstream response has no choices");
		this.upstream.answerJson(200, "[1, 2]");
		expectFailure(client(settings()).complete(this.request), Kind.MALFORMED,
				"upstream response is not a chat completion");
	}

	/**
	 * Verifies that a call fails, before emitting anything, with an error
	 * {@code assertion} accepts.
	 */
	private static void expectFailure(Publisher<?> call, Consumer<Throwable> assertion) {
		StepVerifier.create(call).expectErrorSatisfies(assertion).verify(VERIFY);
	}

	/**
	 * Verifies that a call fails, before emitting anything, with an exception of this
	 * kind and message.
	 */
	private static void expectFailure(Publisher<?> call, Kind kind, String message) {
		expectFailure(call, (error) -> {
			assertKind(error, kind);
			assertThat(error).hasMessage(message);
		});
	}

	/**
	 * Verifies that a stream of the default client emits {@code first}, then fails as
	 * {@code assertion} accepts.
	 */
	private void expectFailureAfter(ModelEvent first, Consumer<Throwable> assertion) {
		StepVerifier.create(client(settings()).stream(this.request))
			.expectNext(first)
			.expectErrorSatisfies(assertion)
			.verify(VERIFY);
	}

}
