package io.toolgate.streaming.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.support.SampleTools;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedModelClientTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	private static final JsonMapper JSON = StreamingJson.mapper();

	private final SimulatedModelClient model = new SimulatedModelClient(SimulatedModelSettings.instant());

	@Test
	void callsOneToolPerRequestInOneMessage() {
		ChatMessage message = completed(SampleTools
			.request("What time is it in Tokyo, and add 3 and 4; then get the weather in Paris in fahrenheit"))
			.message();
		assertThat(message.toolCalls()).extracting((call) -> call.function().name())
			.containsExactly("get_time", "add", "get-weather");
		Map<String, JsonNode> arguments = message.toolCalls()
			.stream()
			.collect(Collectors.toMap((call) -> call.function().name(),
					(call) -> JSON.readTree(call.function().arguments())));
		assertThat(arguments.get("get_time").path("timezone").asString()).isEqualTo("Tokyo");
		assertThat(arguments.get("add").path("a").asInt()).isEqualTo(3);
		assertThat(arguments.get("add").path("b").asInt()).isEqualTo(4);
		assertThat(arguments.get("get-weather").path("city").asString()).isEqualTo("Paris");
		assertThat(arguments.get("get-weather").path("units").asString()).isEqualTo("fahrenheit");
		assertThat(message.toolCalls()).extracting(ToolCall::id)
			.doesNotHaveDuplicates()
			.allMatch((id) -> id.startsWith("call_"));
	}

	@Test
	void argumentsSatisfyTheirSchemas() {
		ModelEvent.Completed completed = completed(SampleTools.request(
				"search the docs for \"reactive streams\" and add 250 and -3 and what time is it and weather please"));
		assertThat(completed.finishReason()).isEqualTo("tool_calls");
		assertThat(completed.message().toolCalls()).hasSize(4);
		for (ToolCall call : completed.message().toolCalls()) {
			assertSatisfiesSchema(call);
		}
		JsonNode add = JSON.readTree(completed.message().toolCalls().get(1).function().arguments());
		assertThat(add.path("b").asInt()).as("clamped to maximum").isEqualTo(-3);
		assertThat(add.path("a").asInt()).isEqualTo(250);
	}

	@Test
	void clampsNumbersToTheirBounds() {
		ToolCall call = completed(SampleTools.request("add 5 and 900")).message().toolCalls().get(0);
		JsonNode arguments = JSON.readTree(call.function().arguments());
		assertThat(arguments.path("b").asInt()).isEqualTo(100);
		assertSatisfiesSchema(call);
	}

	@Test
	void isDeterministic() {
		ChatCompletionRequest request = SampleTools.request("add 1 and 2, and what time is it in Berlin");
		assertThat(completed(request)).isEqualTo(completed(request));
		assertThat(this.model.reply(request))
			.isEqualTo(new SimulatedModelClient(SimulatedModelSettings.instant()).reply(request));
	}

	@Test
	void answersInTextWhenNoToolMatches() {
		List<ModelEvent> events = events(SampleTools.request("Tell me a joke about penguins"));
		ModelEvent.Completed completed = (ModelEvent.Completed) events.get(events.size() - 1);
		assertThat(completed.finishReason()).isEqualTo("stop");
		assertThat(completed.message().content()).contains("Tell me a joke about penguins");
		assertThat(completed.message().hasToolCalls()).isFalse();
	}

	@Test
	void streamsWordTokensThatJoinToTheMessage() {
		ChatCompletionRequest request = ChatCompletionRequest.of("my-model", List.of(ChatMessage.user("Hello there")),
				List.of(), true);
		List<ModelEvent> events = events(request);
		List<String> tokens = events.stream()
			.filter(ModelEvent.Token.class::isInstance)
			.map((event) -> ((ModelEvent.Token) event).text())
			.toList();
		ModelEvent.Completed completed = (ModelEvent.Completed) events.get(events.size() - 1);
		assertThat(tokens).hasSizeGreaterThan(3)
			.allMatch((token) -> !token.isBlank() && token.strip().indexOf(' ') < 0);
		assertThat(String.join("", tokens)).isEqualTo(completed.message().content()).contains("Hello there");
		assertThat(completed.usage().completionTokens()).isEqualTo(tokens.size());
		assertThat(completed.usage().promptTokens()).isEqualTo(2);
		assertThat(completed.model()).isEqualTo("my-model");
	}

	@Test
	void quotesToolResults() {
		ToolCall time = ToolCall.of("call_1", "get_time", "{}");
		ToolCall add = ToolCall.of("call_2", "add", "{\"a\":3,\"b\":4}");
		List<ChatMessage> messages = List.of(ChatMessage.user("time and 3 plus 4"),
				ChatMessage.assistant(null, List.of(time, add)), ChatMessage.tool("call_1", "{\"time\":\"12:00\"}"),
				ChatMessage.tool("call_2", "{\"sum\":7}"));
		ModelEvent.Completed completed = completed(ChatCompletionRequest.of("m", messages, SampleTools.TOOLS, true));
		assertThat(completed.message().content())
			.isEqualTo("Here is what I found: get_time returned {\"time\":\"12:00\"}; add returned {\"sum\":7}.");
		assertThat(completed.finishReason()).isEqualTo("stop");
	}

	@Test
	void quotesTheBodyOfFramedToolResults() {
		ToolCall time = ToolCall.of("call_1", "get_time", "{}");
		List<ChatMessage> messages = List
			.of(ChatMessage.user("what time is it"), ChatMessage.assistant(null, List.of(time)), ChatMessage.tool(
					"call_1",
					"<tool_result tool=\"get_time\" call_id=\"call_1\" status=\"ok\">\n{\"time\":\"12:00\"}\n</tool_result>"));
		ModelEvent.Completed completed = completed(ChatCompletionRequest.of("m", messages, SampleTools.TOOLS, true));
		assertThat(completed.message().content())
			.isEqualTo("Here is what I found: get_time returned {\"time\":\"12:00\"}.");
	}

	@Test
	void honoursReplyWordsAndToolCallCount() {
		SimulatedModelClient shaped = new SimulatedModelClient(SimulatedModelSettings.instant().withShape(50, 3));
		SimulatedReply text = shaped
			.reply(ChatCompletionRequest.of("m", List.of(ChatMessage.user("hi")), List.of(), true));
		assertThat(text.tokens()).hasSize(50);
		SimulatedReply calls = shaped.reply(SampleTools.request("add 1 and 2"));
		assertThat(calls.toolCalls()).extracting((call) -> call.function().name())
			.containsExactly("add", "add", "get-weather");
		calls.toolCalls().forEach(SimulatedModelClientTests::assertSatisfiesSchema);
	}

	@Test
	void failsDeterministicallyAtConfiguredRates() {
		SimulatedModelClient failing = new SimulatedModelClient(
				SimulatedModelSettings.instant().withFailureRates(1, 0));
		StepVerifier.create(failing.stream(SampleTools.request("add 1 and 2")))
			.expectErrorSatisfies(
					(error) -> assertThat(((UpstreamException) error).kind()).isEqualTo(Kind.SERVER_ERROR))
			.verify(VERIFY);
		StepVerifier.create(failing.complete(SampleTools.request("add 1 and 2")))
			.expectError(UpstreamException.class)
			.verify(VERIFY);
		SimulatedModelClient cutting = new SimulatedModelClient(
				SimulatedModelSettings.instant().withFailureRates(0, 1));
		StepVerifier
			.create(cutting.stream(ChatCompletionRequest.of("m", List.of(ChatMessage.user("hello")), List.of(), true))
				.filter(ModelEvent.Completed.class::isInstance))
			.expectErrorSatisfies((error) -> assertThat(((UpstreamException) error).kind()).isEqualTo(Kind.STREAM_CUT))
			.verify(VERIFY);
	}

	@Test
	void pacesTokensOnTheParallelScheduler() {
		SimulatedModelClient paced = new SimulatedModelClient(
				SimulatedModelSettings.instant().withDelays(Duration.ofMillis(20), Duration.ofMillis(1)));
		StepVerifier
			.create(paced.stream(ChatCompletionRequest.of("m", List.of(ChatMessage.user("hi")), List.of(), true))
				.map((event) -> Thread.currentThread().getName())
				.distinct())
			.expectNextMatches((thread) -> thread.startsWith("parallel"))
			.thenConsumeWhile((thread) -> thread.startsWith("parallel"))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void honoursToolChoice() {
		ChatCompletionRequest none = withToolChoice(SampleTools.request("add 1 and 2"), JSON.readTree("\"none\""));
		assertThat(this.model.reply(none).toolCalls()).isEmpty();
		ChatCompletionRequest forced = withToolChoice(SampleTools.request("hello"),
				JSON.readTree("{\"type\":\"function\",\"function\":{\"name\":\"search_docs\"}}"));
		assertThat(this.model.reply(forced).toolCalls()).extracting((call) -> call.function().name())
			.containsExactly("search_docs");
	}

	static void assertSatisfiesSchema(ToolCall call) {
		SampleTools.assertSatisfiesSchema(call);
	}

	private static ChatCompletionRequest withToolChoice(ChatCompletionRequest request, JsonNode choice) {
		return new ChatCompletionRequest(request.model(), request.messages(), true, null, request.tools(), choice, null,
				null, null, null, null, null);
	}

	private ModelEvent.Completed completed(ChatCompletionRequest request) {
		List<ModelEvent> events = events(request);
		return (ModelEvent.Completed) events.get(events.size() - 1);
	}

	private List<ModelEvent> events(ChatCompletionRequest request) {
		return this.model.stream(request).collectList().block(VERIFY);
	}

}
