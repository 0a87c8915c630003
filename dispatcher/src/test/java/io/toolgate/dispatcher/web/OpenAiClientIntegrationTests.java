package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionMessage;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionMessageToolCall;
import com.openai.models.models.Model;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.dispatcher.support.TestRegistry;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official OpenAI Java SDK, unchanged, against the gateway: streamed and whole
 * answers, tools the gateway executes itself (invisible to the SDK), tools the client
 * defined (returned as {@code tool_calls}) and the model list. The SDK blocks; it is only
 * called from the test thread.
 */
@Timeout(60)
class OpenAiClientIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static final String MODEL = "scripted-model";

	private static final String[] ANSWER = { "Hello", " from", " the", " gateway", "." };

	private static final String CLIENT_TOOL = "get_stock_price";

	private static final String STOCK_ARGUMENTS = "{\"symbol\":\"ACME\",\"currency\":\"EUR\"}";

	private static ScriptedUpstream upstream;

	private static ToolWorker worker;

	private static GatewayApp app;

	private static OpenAIClient client;

	@BeforeAll
	static void start() {
		upstream = ScriptedUpstream.start(OpenAiClientIntegrationTests::script);
		worker = ToolWorker.start(1, Duration.ofMillis(20));
		app = GatewayApp
			.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.upstream.default-model", MODEL,
					"toolgate.tools.registry", TestRegistry.withWeatherWorker(worker.weatherUrl()).toString()));
		client = OpenAIOkHttpClient.builder()
			.baseUrl(app.baseUrl() + "/v1")
			.apiKey(GatewayApp.ACME_KEY)
			.maxRetries(0)
			.timeout(Duration.ofSeconds(20))
			.build();
	}

	@AfterAll
	static void stop() {
		client.close();
		Closeables.closeAll(app, worker, upstream);
	}

	/**
	 * After a tool result: an answer quoting it. When the client offered
	 * {@code get_stock_price}: a call of it. For {@code #weather}: a call of the
	 * registered {@code weather} tool. Otherwise the fixed answer.
	 */
	private static Flux<String> script(JsonNode request, int index) {
		JsonNode last = ChatScripts.lastMessage(request);
		if ("tool".equals(last.path("role").asString())) {
			return ChatScripts.text("The forecast: ", last.path("content").asString());
		}
		if (offers(request, CLIENT_TOOL)) {
			return ChatScripts.toolCalls(new String[] { "call_stock", CLIENT_TOOL, STOCK_ARGUMENTS });
		}
		if (last.path("content").asString().startsWith("#weather")) {
			return ChatScripts.toolCalls(new String[] { "call_weather", "weather", "{\"city\":\"Paris\"}" });
		}
		return ChatScripts.text(ANSWER);
	}

	private static boolean offers(JsonNode request, String toolName) {
		for (JsonNode tool : request.path("tools")) {
			if (toolName.equals(tool.path("function").path("name").asString())) {
				return true;
			}
		}
		return false;
	}

	private static ChatCompletionCreateParams.Builder ask(String userText) {
		return ChatCompletionCreateParams.builder().model(MODEL).addUserMessage(userText);
	}

	private static ChatCompletionCreateParams.Builder askWithStockTool(String userText) {
		FunctionParameters parameters = FunctionParameters.builder()
			.putAdditionalProperty("type", JsonValue.from("object"))
			.putAdditionalProperty("properties",
					JsonValue.from(Map.of("symbol", Map.of("type", "string"), "currency", Map.of("type", "string"))))
			.putAdditionalProperty("required", JsonValue.from(List.of("symbol")))
			.build();
		return ask(userText).addFunctionTool(FunctionDefinition.builder()
			.name(CLIENT_TOOL)
			.description("Get the latest price of a stock")
			.parameters(parameters)
			.build());
	}

	private static List<ChatCompletionChunk> streamAll(ChatCompletionCreateParams params) {
		try (StreamResponse<ChatCompletionChunk> response = client.chat().completions().createStreaming(params)) {
			return response.stream().toList();
		}
	}

	private static List<String> contents(List<ChatCompletionChunk> chunks) {
		return chunks.stream()
			.flatMap(chunk -> chunk.choices().stream())
			.map(choice -> choice.delta().content())
			.flatMap(Optional::stream)
			.filter(content -> !content.isEmpty())
			.toList();
	}

	private static List<ChatCompletionChunk.Choice.FinishReason> finishReasons(List<ChatCompletionChunk> chunks) {
		return chunks.stream()
			.flatMap(chunk -> chunk.choices().stream())
			.map(ChatCompletionChunk.Choice::finishReason)
			.flatMap(Optional::stream)
			.toList();
	}

	private static List<ChatCompletionChunk.Choice.Delta.ToolCall> toolCallDeltas(List<ChatCompletionChunk> chunks) {
		return chunks.stream()
			.flatMap(chunk -> chunk.choices().stream())
			.map(choice -> choice.delta().toolCalls())
			.flatMap(Optional::stream)
			.flatMap(List::stream)
			.toList();
	}

	@Test
	void streamsTheAnswerInSeveralChunks() {
		List<ChatCompletionChunk> chunks = streamAll(ask("Say hello").build());
		List<String> contents = contents(chunks);
		assertThat(String.join("", contents)).isEqualTo(String.join("", ANSWER));
		assertThat(contents).hasSizeGreaterThan(1);
		assertThat(finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
		assertThat(toolCallDeltas(chunks)).isEmpty();
		assertThat(chunks).allSatisfy(chunk -> assertThat(chunk.model()).isEqualTo(MODEL));
		assertThat(chunks).extracting(ChatCompletionChunk::id).containsOnly(chunks.get(0).id());
	}

	@Test
	void answersWholeWithoutStreaming() {
		ChatCompletion completion = client.chat().completions().create(ask("Say hello").build());
		assertThat(completion.choices()).hasSize(1);
		ChatCompletion.Choice choice = completion.choices().get(0);
		assertThat(choice.message().content()).contains(String.join("", ANSWER));
		assertThat(choice.message().toolCalls().orElse(List.of())).isEmpty();
		assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
		assertThat(completion.model()).isEqualTo(MODEL);
	}

	@Test
	void executesRegisteredToolsOutOfTheStreamsSight() {
		int workerCalls = worker.requests();
		List<ChatCompletionChunk> chunks = streamAll(ask("#weather in Paris?").build());
		assertThat(String.join("", contents(chunks))).startsWith("The forecast: ")
			.contains(ToolWorker.markerFor("Paris"));
		assertThat(toolCallDeltas(chunks)).isEmpty();
		assertThat(finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.STOP);
		assertThat(worker.requests()).isGreaterThan(workerCalls);
	}

	@Test
	void executesRegisteredToolsForAWholeAnswer() {
		ChatCompletion completion = client.chat().completions().create(ask("#weather in Paris, please").build());
		ChatCompletionMessage message = completion.choices().get(0).message();
		assertThat(message.content())
			.hasValueSatisfying(content -> assertThat(content).contains(ToolWorker.markerFor("Paris")));
		assertThat(message.toolCalls().orElse(List.of())).isEmpty();
		assertThat(completion.choices().get(0).finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.STOP);
	}

	@Test
	void streamsClientDefinedToolCallsBackToTheClient() {
		List<ChatCompletionChunk> chunks = streamAll(askWithStockTool("What does ACME trade at?").build());
		Map<Long, String[]> calls = new TreeMap<>();
		for (ChatCompletionChunk.Choice.Delta.ToolCall delta : toolCallDeltas(chunks)) {
			String[] call = calls.computeIfAbsent(delta.index(), index -> new String[] { null, null, "" });
			delta.id().ifPresent(id -> call[0] = id);
			delta.function()
				.flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::name)
				.ifPresent(name -> call[1] = name);
			delta.function()
				.flatMap(ChatCompletionChunk.Choice.Delta.ToolCall.Function::arguments)
				.ifPresent(arguments -> call[2] = call[2] + arguments);
		}
		assertThat(calls).hasSize(1);
		String[] call = calls.values().iterator().next();
		assertThat(call[0]).isEqualTo("call_stock");
		assertThat(call[1]).isEqualTo(CLIENT_TOOL);
		assertThat(JSON.readTree(call[2])).isEqualTo(JSON.readTree(STOCK_ARGUMENTS));
		assertThat(finishReasons(chunks)).containsExactly(ChatCompletionChunk.Choice.FinishReason.TOOL_CALLS);
		assertThat(contents(chunks)).isEmpty();
		assertOfferedBothKindsOfTools();
	}

	@Test
	void returnsClientDefinedToolCallsInAWholeAnswer() {
		ChatCompletion completion = client.chat().completions().create(askWithStockTool("Price of ACME?").build());
		ChatCompletion.Choice choice = completion.choices().get(0);
		assertThat(choice.finishReason()).isEqualTo(ChatCompletion.Choice.FinishReason.TOOL_CALLS);
		List<ChatCompletionMessageToolCall> toolCalls = choice.message().toolCalls().orElse(List.of());
		assertThat(toolCalls).hasSize(1);
		assertThat(toolCalls.get(0).isFunction()).isTrue();
		ChatCompletionMessageFunctionToolCall call = toolCalls.get(0).asFunction();
		assertThat(call.id()).isEqualTo("call_stock");
		assertThat(call.function().name()).isEqualTo(CLIENT_TOOL);
		assertThat(JSON.readTree(call.function().arguments())).isEqualTo(JSON.readTree(STOCK_ARGUMENTS));
		assertOfferedBothKindsOfTools();
	}

	/** The model saw the client's tool and the registered ones side by side. */
	private static void assertOfferedBothKindsOfTools() {
		assertThat(upstream.requests()).anySatisfy(request -> {
			assertThat(offers(request, CLIENT_TOOL)).isTrue();
			assertThat(offers(request, "weather")).isTrue();
		});
	}

	@Test
	void listsTheConfiguredModel() {
		List<Model> models = client.models().list().data();
		assertThat(models).extracting(Model::id).contains(MODEL);
	}

}
