package io.toolgate.streaming.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionChunk.Delta;
import io.toolgate.streaming.openai.ChatCompletionChunk.FunctionDelta;
import io.toolgate.streaming.openai.ChatCompletionChunk.ToolCallDelta;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.support.BaseUpstreamTest;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import reactor.util.context.Context;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static io.toolgate.streaming.support.ChunkPayloads.DONE;
import static io.toolgate.streaming.support.ChunkPayloads.chunk;
import static io.toolgate.streaming.support.ChunkPayloads.finish;
import static io.toolgate.streaming.support.ChunkPayloads.json;
import static io.toolgate.streaming.support.ChunkPayloads.text;
import static io.toolgate.streaming.support.ChunkPayloads.toolCall;
import static io.toolgate.streaming.support.ChunkPayloads.usage;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * What {@link OpenAiModelClient} sends, and what it makes of the answers it accepts; its
 * failures are in {@link OpenAiModelClientErrorTests}.
 */
class OpenAiModelClientTests extends BaseUpstreamTest {

	private final JsonMapper json = StreamingJson.mapper();

	@Test
	void emitsFirstTokenBeforeUpstreamSendsTheRest() {
		Sinks.Empty<Void> release = Sinks.empty();
		this.upstream.answerSse(Flux.concat(Flux.just(chunk(new Delta("assistant", "", null), null), text("Hel")),
				release.asMono().thenMany(Flux.just(text("lo"), finish("stop"), DONE))));
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
		this.upstream.answerSse(Flux.just(chunk(Delta.content("x"), "stop"), DONE));
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
	void addsHeadersFromTheContextOfEachCall() {
		OpenAiModelClient client = client(settings(),
				(headers, context) -> headers.set("traceparent", context.getOrDefault("trace", "none")));
		this.upstream.answerSse(Flux.just(chunk(Delta.content("x"), "stop"), DONE));
		StepVerifier.create(client.stream(this.request).contextWrite(Context.of("trace", "00-a-01")))
			.expectNextCount(2)
			.expectComplete()
			.verify(VERIFY);
		this.upstream.answerJson(200,
				json(ChatCompletionResponse.of("cmpl-2", 1, "m", ChatMessage.assistant("x"), "stop", Usage.ZERO)));
		StepVerifier.create(client.complete(this.request).contextWrite(Context.of("trace", "00-b-01")))
			.expectNextCount(1)
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.upstream.requestHeaders()).extracting((headers) -> headers.get("traceparent"))
			.containsExactly("00-a-01", "00-b-01");
		assertThat(this.upstream.authorizations()).containsExactly("", "");
	}

	@Test
	void assemblesFragmentedToolCallsAndSurfacesUsage() {
		this.upstream.answerSse(Flux.just(chunk(new Delta("assistant", null, null), null),
				toolCall(new ToolCallDelta(0, "call_a", "function", new FunctionDelta("get_time", ""))),
				toolCall(new ToolCallDelta(1, "call_b", "function", new FunctionDelta("add", ""))),
				toolCall(new ToolCallDelta(0, null, null, new FunctionDelta(null, "{\"zone\":"))),
				toolCall(new ToolCallDelta(1, null, null, new FunctionDelta(null, "{\"a\":3,"))),
				toolCall(new ToolCallDelta(0, null, null, new FunctionDelta(null, "\"UTC\"}"))),
				toolCall(new ToolCallDelta(1, null, null, new FunctionDelta(null, "\"b\":4}"))), finish("tool_calls"),
				usage(Usage.of(12, 7)), DONE));
		StepVerifier.create(client(settings()).stream(this.request)).assertNext((event) -> {
			ModelEvent.Completed completed = (ModelEvent.Completed) event;
			assertThat(completed.message().toolCalls()).containsExactly(
					ToolCall.of("call_a", "get_time", "{\"zone\":\"UTC\"}"),
					ToolCall.of("call_b", "add", "{\"a\":3,\"b\":4}"));
			assertThat(completed.message().content()).isNull();
			assertThat(completed.finishReason()).isEqualTo("tool_calls");
			assertThat(completed.usage()).isEqualTo(Usage.of(12, 7));
		}).expectComplete().verify(VERIFY);
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
	void skipsBlankEventsAndReportsTheRequestedModelWhenChunksNameNone() {
		this.upstream.answerSse(Flux.just("", "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"}}]}", "  ",
				"{\"choices\":[],\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1,\"total_tokens\":3}}",
				" " + DONE + " "));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectNext(new ModelEvent.Token("x"))
			.expectNext(new ModelEvent.Completed(ChatMessage.assistant("x"), "stop", Usage.of(2, 1), "gpt-test"))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void ignoresWhatFollowsDone() {
		this.upstream.answerSseThenDisconnect(Flux.just(text("a"), DONE, text("b"), "{not json"));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectNext(new ModelEvent.Token("a"))
			.assertNext((event) -> assertThat(((ModelEvent.Completed) event).message())
				.isEqualTo(ChatMessage.assistant("a")))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void cancellingClosesTheUpstreamConnection() {
		this.upstream.answerSse(Flux.concat(Flux.just(text("a")), Flux.never()));
		StepVerifier.create(client(settings()).stream(this.request))
			.expectNext(new ModelEvent.Token("a"))
			.thenCancel()
			.verify(VERIFY);
		StepVerifier.create(this.upstream.closedConnections().take(1)).expectNext(1).expectComplete().verify(VERIFY);
	}

	@Test
	void completesWithoutStreaming() {
		ChatCompletionResponse response = ChatCompletionResponse.of("cmpl-2", 1, "gpt-test-0613",
				ChatMessage.assistant("Hello"), "stop", Usage.of(3, 1));
		this.upstream.answerJson(200, json(response).replace("\"id\"", "\"extra\":{\"x\":1},\"id\""));
		StepVerifier.create(client(settings()).complete(this.request))
			.expectNext(response)
			.expectComplete()
			.verify(VERIFY);
		JsonNode sent = this.json.readTree(this.upstream.bodies().peek());
		assertThat(sent.path("stream").asBoolean()).isFalse();
		assertThat(sent.has("stream_options")).isFalse();
	}

	@Test
	void rejectsInvalidSettings() {
		assertThatIllegalArgumentException().isThrownBy(() -> OpenAiClientSettings.ofDefaults(URI.create("/relative")))
			.withMessage("baseUrl must be an absolute http(s) URL");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> settings().withStreamTimeouts(Duration.ZERO, Duration.ofSeconds(1)))
			.withMessage("firstTokenTimeout must be positive");
		assertThat(settings().withApiKey("sk-secret").toString()).doesNotContain("sk-secret");
		assertThat(OpenAiClientSettings.ofDefaults(URI.create("http://h:1/v1/")).chatCompletionsUrl())
			.isEqualTo(URI.create("http://h:1/v1/chat/completions"));
	}

}
