package io.toolgate.streaming.upstream;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.ChatCompletionChunk.Delta;
import io.toolgate.streaming.openai.ChatCompletionChunk.FunctionDelta;
import io.toolgate.streaming.openai.ChatCompletionChunk.ToolCallDelta;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.support.ScriptedUpstream;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class OpenAiModelClientTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	private final JsonMapper json = StreamingJson.mapper();

	private final ScriptedUpstream upstream = new ScriptedUpstream();

	private final ChatCompletionRequest request = new ChatCompletionRequest("gpt-test",
			List.of(ChatMessage.user("hi")), false, null, null, null, null, null, null, null, null, "conv-1");

	@AfterEach
	void stopUpstream() {
		this.upstream.close();
	}

	@Test
	void emitsFirstTokenBeforeUpstreamSendsTheRest() {
		Sinks.Empty<Void> release = Sinks.empty();
		this.upstream.answerSse(Flux.concat(Flux.just(chunk(new Delta("assistant", "", null), null),
				chunk(Delta.content("Hel"), null)), release.asMono().thenMany(Flux.just(chunk(Delta.content("lo"), null),
						chunk(new Delta(null, null, null), "stop"), "[DONE]"))));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectNext(new ModelEvent.Token("Hel"))
			.then(release::tryEmitEmpty)
			.expectNext(new ModelEvent.Token("lo"))
			.assertNext((event) -> {
				ModelEvent.Completed completed = (ModelEvent.Completed) event;
				assertThat(completed.message()).isEqualTo(ChatMessage.assistant("Hello"));
				assertThat(completed.finishReason()).isEqualTo("stop");
				assertThat(completed.usage()).isEqualTo(Usage.ZERO);
				assertThat(completed.model()).isEqualTo("gpt-test-0613");
			})
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void sendsStreamingRequestWithUsageAndBearerKey() {
		this.upstream.answerSse(Flux.just(chunk(Delta.content("x"), "stop"), "[DONE]"));
		StepVerifier.create(client(settings().withApiKey("sk-test")).stream(this.request))
			.expectNextCount(2)
			.expectComplete()
			.verify(VERIFY);
		JsonNode sent = this.json.readTree(this.upstream.bodies().peek());
		assertThat(sent.path("stream").asBoolean()).isTrue();
		assertThat(sent.path("stream_options").path("include_usage").asBoolean()).isTrue();
		assertThat(sent.has("conversation_id")).isFalse();
		assertThat(sent.has("tools")).isFalse();
		assertThat(this.upstream.authorizations()).containsExactly("Bearer sk-test");
	}

	@Test
	void assemblesFragmentedToolCallsAndSurfacesUsage() {
		this.upstream.answerSse(Flux.just(chunk(new Delta("assistant", null, null), null),
				toolChunk(new ToolCallDelta(0, "call_a", "function", new FunctionDelta("get_time", ""))),
				toolChunk(new ToolCallDelta(1, "call_b", "function", new FunctionDelta("add", ""))),
				toolChunk(new ToolCallDelta(0, null, null, new FunctionDelta(null, "{\"zone\":"))),
				toolChunk(new ToolCallDelta(1, null, null, new FunctionDelta(null, "{\"a\":3,"))),
				toolChunk(new ToolCallDelta(0, null, null, new FunctionDelta(null, "\"UTC\"}"))),
				toolChunk(new ToolCallDelta(1, null, null, new FunctionDelta(null, "\"b\":4}"))),
				chunk(new Delta(null, null, null), "tool_calls"),
				write(ChatCompletionChunk.usage("cmpl-1", 1, "gpt-test-0613", Usage.of(12, 7))), "[DONE]"));
		StepVerifier.create(client(settings()).stream(this.request)).assertNext((event) -> {
			ModelEvent.Completed completed = (ModelEvent.Completed) event;
			assertThat(completed.message().toolCalls()).containsExactly(
					ToolCall.of("call_a", "get_time", "{\"zone\":\"UTC\"}"), ToolCall.of("call_b", "add", "{\"a\":3,\"b\":4}"));
			assertThat(completed.message().content()).isNull();
			assertThat(completed.finishReason()).isEqualTo("tool_calls");
			assertThat(completed.usage()).isEqualTo(Usage.of(12, 7));
		}).expectComplete().verify(VERIFY);
	}

	@Test
	void mapsBadRequestWithUpstreamMessage() {
		this.upstream.answerJson(400, "{\"error\":{\"message\":\"Invalid model 'x'\",\"type\":\"invalid_request_error\"}}");
		StepVerifier.create(client(settings()).stream(this.request))
			.expectErrorSatisfies((error) -> assertThat(error).isInstanceOfSatisfying(UpstreamException.class, (e) -> {
				assertThat(e.kind()).isEqualTo(Kind.CLIENT_ERROR);
				assertThat(e.status()).isEqualTo(400);
				assertThat(e.getMessage()).contains("Invalid model 'x'");
				assertThat(e.isRetryable()).isFalse();
			}))
			.verify(VERIFY);
	}

	@Test
	void mapsTooManyRequestsToRateLimited() {
		this.upstream.answerJson(429, "{\"error\":{\"message\":\"Slow down\"}}");
		StepVerifier.create(client(settings()).stream(this.request))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.RATE_LIMITED))
			.verify(VERIFY);
	}

	@Test
	void mapsServerErrorEvenWithoutJsonBody() {
		this.upstream.answer((response) -> response.status(502).sendString(reactor.core.publisher.Mono.just("bad gateway")));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectErrorSatisfies((error) -> {
				assertKind(error, Kind.SERVER_ERROR);
				assertThat(((UpstreamException) error).status()).isEqualTo(502);
			})
			.verify(VERIFY);
	}

	@Test
	void mapsUndecodableChunkToMalformed() {
		this.upstream.answerSse(Flux.just(chunk(Delta.content("ok"), null), "{not json", "[DONE]"));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectNext(new ModelEvent.Token("ok"))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.MALFORMED))
			.verify(VERIFY);
	}

	@Test
	void mapsInStreamErrorEventToServerError() {
		this.upstream.answerSse(Flux.just("{\"error\":{\"message\":\"overloaded\"}}"));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectErrorSatisfies((error) -> {
				assertKind(error, Kind.SERVER_ERROR);
				assertThat(error).hasMessageContaining("overloaded");
			})
			.verify(VERIFY);
	}

	@Test
	void failsWithStreamCutWhenStreamEndsBeforeDoneAndFinishReason() {
		this.upstream.answerSse(Flux.just(chunk(Delta.content("par"), null)));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectNext(new ModelEvent.Token("par"))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.STREAM_CUT))
			.verify(VERIFY);
	}

	@Test
	void acceptsStreamWithFinishReasonButNoDone() {
		this.upstream.answerSse(Flux.just(chunk(Delta.content("done"), "stop")));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectNext(new ModelEvent.Token("done"))
			.assertNext((event) -> assertThat(((ModelEvent.Completed) event).finishReason()).isEqualTo("stop"))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void timesOutWaitingForFirstChunk() {
		this.upstream.answerSse(Flux.never());
		StepVerifier.create(client(settings().withStreamTimeouts(Duration.ofMillis(300), Duration.ofSeconds(10)))
			.stream(this.request))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.FIRST_TOKEN_TIMEOUT))
			.verify(VERIFY);
	}

	@Test
	void timesOutWhenStreamGoesIdle() {
		this.upstream.answerSse(Flux.concat(Flux.just(chunk(Delta.content("a"), null)), Flux.never()));
		StepVerifier.create(client(settings().withStreamTimeouts(Duration.ofSeconds(10), Duration.ofMillis(300)))
			.stream(this.request))
			.expectNext(new ModelEvent.Token("a"))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.IDLE_TIMEOUT))
			.verify(VERIFY);
	}

	@Test
	void cancellingClosesTheUpstreamConnection() {
		this.upstream.answerSse(Flux.concat(Flux.just(chunk(Delta.content("a"), null)), Flux.never()));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectNext(new ModelEvent.Token("a"))
			.thenCancel()
			.verify(VERIFY);
		StepVerifier.create(this.upstream.closedConnections().take(1)).expectNext(1).expectComplete().verify(VERIFY);
	}

	@Test
	void mapsConnectionRefusedToConnect() throws Exception {
		int port;
		try (ServerSocket socket = new ServerSocket(0)) {
			port = socket.getLocalPort();
		}
		OpenAiModelClient client = client(OpenAiClientSettings.ofDefaults(URI.create("http://127.0.0.1:" + port + "/v1")));
		StepVerifier.create(client.stream(this.request))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.CONNECT))
			.verify(VERIFY);
		StepVerifier.create(client.complete(this.request))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.CONNECT))
			.verify(VERIFY);
	}

	@Test
	void completesWithoutStreaming() {
		ChatCompletionResponse response = ChatCompletionResponse.of("cmpl-2", 1, "gpt-test-0613",
				ChatMessage.assistant("Hello"), "stop", Usage.of(3, 1));
		this.upstream.answerJson(200, write(response).replace("\"id\"", "\"extra\":{\"x\":1},\"id\""));
		StepVerifier.create(client(settings()).complete(this.request))
			.expectNext(response)
			.expectComplete()
			.verify(VERIFY);
		JsonNode sent = this.json.readTree(this.upstream.bodies().peek());
		assertThat(sent.path("stream").asBoolean()).isFalse();
		assertThat(sent.has("stream_options")).isFalse();
	}

	@Test
	void mapsNonStreamingErrorsAndTimeout() {
		this.upstream.answerJson(500, "{\"error\":{\"message\":\"boom\"}}");
		StepVerifier.create(client(settings()).complete(this.request))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.SERVER_ERROR))
			.verify(VERIFY);
		this.upstream.answer((response) -> response.sendString(Flux.never()));
		StepVerifier.create(client(settings().withRequestTimeout(Duration.ofMillis(300))).complete(this.request))
			.expectErrorSatisfies((error) -> assertKind(error, Kind.FIRST_TOKEN_TIMEOUT))
			.verify(VERIFY);
	}

	@Test
	void rejectsInvalidSettings() {
		org.assertj.core.api.Assertions
			.assertThatIllegalArgumentException()
			.isThrownBy(() -> OpenAiClientSettings.ofDefaults(URI.create("/relative")))
			.withMessage("baseUrl must be an absolute http(s) URL");
		org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
			.isThrownBy(() -> settings().withStreamTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
			.withMessage("firstTokenTimeout must be positive");
		assertThat(settings().withApiKey("sk-secret").toString()).doesNotContain("sk-secret");
		assertThat(OpenAiClientSettings.ofDefaults(URI.create("http://h:1/v1/")).chatCompletionsUrl())
			.isEqualTo(URI.create("http://h:1/v1/chat/completions"));
	}

	private OpenAiClientSettings settings() {
		return OpenAiClientSettings.ofDefaults(this.upstream.baseUrl())
			.withStreamTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
	}

	private OpenAiModelClient client(OpenAiClientSettings settings) {
		return new OpenAiModelClient(settings, StreamingJson.adapt(JsonMapper.builder().build()));
	}

	private String chunk(Delta delta, String finishReason) {
		return write(ChatCompletionChunk.of("cmpl-1", 1, "gpt-test-0613", delta, finishReason));
	}

	private String toolChunk(ToolCallDelta delta) {
		return chunk(new Delta(null, null, List.of(delta)), null);
	}

	private String write(Object value) {
		return this.json.writeValueAsString(value);
	}

	private static void assertKind(Throwable error, Kind kind) {
		assertThat(error).isInstanceOfSatisfying(UpstreamException.class, (e) -> assertThat(e.kind()).isEqualTo(kind));
	}

}
