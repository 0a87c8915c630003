package io.toolgate.loadtest.upstream;

import java.time.Duration;
import java.util.List;

import io.toolgate.loadtest.support.SampleRequests;
import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ModelList;
import io.toolgate.streaming.upstream.ModelEvent;
import io.toolgate.streaming.upstream.OpenAiClientSettings;
import io.toolgate.streaming.upstream.OpenAiModelClient;
import io.toolgate.streaming.upstream.SimulatedModelSettings;
import io.toolgate.streaming.upstream.SimulatedReply;
import io.toolgate.streaming.upstream.UpstreamException;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class SimulatedUpstreamServerTests {

	private static final Duration VERIFY = Duration.ofSeconds(10);

	private static final JsonMapper JSON = StreamingJson.mapper();

	private SimulatedUpstreamServer server = SimulatedUpstreamServer.start(0,
			SimulatedModelSettings.instant().withDelays(Duration.ZERO, Duration.ofMillis(1)), "sk-sim");

	@AfterEach
	void stopServer() {
		this.server.closeNow(Duration.ofSeconds(5));
	}

	@Test
	void streamsTextRepliesWithUsage() {
		ChatCompletionRequest request = ChatCompletionRequest.of("sim-1", List.of(ChatMessage.user("Hello there")),
				List.of(), true);
		SimulatedReply expected = this.server.model().reply(request);
		List<ModelEvent> events = client("sk-sim").stream(request).collectList().block(VERIFY);
		assertThat(events).hasSize(expected.tokens().size() + 1);
		assertThat(events.subList(0, expected.tokens().size())).extracting((event) -> ((ModelEvent.Token) event).text())
			.containsExactlyElementsOf(expected.tokens());
		ModelEvent.Completed completed = (ModelEvent.Completed) events.get(events.size() - 1);
		assertThat(completed.message()).isEqualTo(expected.message());
		assertThat(completed.usage()).isEqualTo(expected.usage());
		assertThat(completed.model()).isEqualTo("sim-1");
		assertThat(completed.finishReason()).isEqualTo("stop");
	}

	@Test
	void reassemblesFragmentedParallelToolCalls() {
		ChatCompletionRequest request = SampleRequests.request("What time is it in Tokyo, and add 3 and 4");
		SimulatedReply expected = this.server.model().reply(request);
		assertThat(expected.toolCalls()).hasSize(2);
		StepVerifier.create(client("sk-sim").stream(request)).assertNext((event) -> {
			ModelEvent.Completed completed = (ModelEvent.Completed) event;
			assertThat(completed.message().toolCalls()).isEqualTo(expected.toolCalls());
			assertThat(completed.finishReason()).isEqualTo("tool_calls");
		}).expectComplete().verify(VERIFY);
	}

	@Test
	void fragmentsToolCallArgumentsOverSeveralInterleavedChunks() {
		ChatCompletionRequest request = SampleRequests.request("What time is it in Tokyo, and add 3 and 4");
		String body = post(JSON.writeValueAsString(request), "sk-sim");
		List<JsonNode> deltas = body.lines()
			.filter((line) -> line.startsWith("data: {"))
			.map((line) -> JSON.readTree(line.substring(6)))
			.flatMap((chunk) -> chunk.path("choices").path(0).path("delta").path("tool_calls").valueStream())
			.toList();
		List<Integer> indexes = deltas.stream().map((delta) -> delta.path("index").asInt()).toList();
		assertThat(indexes).startsWith(0, 1, 0, 1);
		assertThat(deltas.stream().filter((delta) -> delta.has("id")).count()).isEqualTo(2);
		assertThat(indexes.stream().filter((index) -> index == 0).count()).isGreaterThanOrEqualTo(3);
		assertThat(body).endsWith("data: [DONE]\n\n").contains("\"usage\":{");
	}

	@Test
	void answersWithoutStreaming() {
		ChatCompletionRequest request = ChatCompletionRequest.of("sim-1", List.of(ChatMessage.user("Hi")), List.of(),
				false);
		StepVerifier.create(client("sk-sim").complete(request))
			.assertNext((response) -> assertThat(response.choices().get(0).message())
				.isEqualTo(this.server.model().reply(request).message()))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void listsModels() {
		String body = HttpClient.create()
			.headers((headers) -> headers.set("Authorization", "Bearer sk-sim"))
			.get()
			.uri(this.server.baseUrl() + "/models")
			.responseContent()
			.aggregate()
			.asString()
			.block(VERIFY);
		assertThat(JSON.readValue(body, ModelList.class).data()).extracting(ModelList.Model::id)
			.containsExactly("toolgate-sim");
	}

	@Test
	void rejectsWrongKey() {
		StepVerifier.create(client("sk-wrong").stream(SampleRequests.request("hi"))).expectErrorSatisfies((error) -> {
			assertThat(((UpstreamException) error).kind()).isEqualTo(Kind.CLIENT_ERROR);
			assertThat(((UpstreamException) error).status()).isEqualTo(401);
			assertThat(error).hasMessageContaining("Incorrect API key");
		}).verify(VERIFY);
	}

	@Test
	void simulatesServerErrorsAndStreamCuts() {
		this.server.closeNow(Duration.ofSeconds(5));
		this.server = SimulatedUpstreamServer.start(0, SimulatedModelSettings.instant().withFailureRates(1, 0), null);
		StepVerifier.create(client(null).stream(SampleRequests.request("hi")))
			.expectErrorSatisfies(
					(error) -> assertThat(((UpstreamException) error).kind()).isEqualTo(Kind.SERVER_ERROR))
			.verify(VERIFY);
		this.server.closeNow(Duration.ofSeconds(5));
		this.server = SimulatedUpstreamServer.start(0, SimulatedModelSettings.instant().withFailureRates(0, 1), null);
		StepVerifier
			.create(client(null)
				.stream(ChatCompletionRequest.of("m", List.of(ChatMessage.user("Hello there")), List.of(), true))
				.filter(ModelEvent.Completed.class::isInstance))
			.expectErrorSatisfies((error) -> assertThat(((UpstreamException) error).kind()).isEqualTo(Kind.STREAM_CUT))
			.verify(VERIFY);
	}

	private String post(String json, String key) {
		return HttpClient.create()
			.headers((headers) -> headers.set("Authorization", "Bearer " + key).set("Content-Type", "application/json"))
			.post()
			.uri(this.server.baseUrl() + "/chat/completions")
			.send(reactor.netty.ByteBufFlux.fromString(Mono.just(json)))
			.responseContent()
			.aggregate()
			.asString()
			.block(VERIFY);
	}

	private OpenAiModelClient client(String key) {
		return new OpenAiModelClient(OpenAiClientSettings.ofDefaults(this.server.baseUrl()).withApiKey(key), JSON);
	}

}
