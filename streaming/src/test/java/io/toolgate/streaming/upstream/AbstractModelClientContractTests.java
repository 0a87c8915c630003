package io.toolgate.streaming.upstream;

import java.time.Duration;
import java.util.List;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.support.SampleTools;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link ModelClient} promises, run against each implementation: a stream of
 * tokens then exactly one {@link ModelEvent.Completed} with the finish reason and usage;
 * tool calls assembled with ids, names and JSON arguments; the same message unstreamed
 * from {@link ModelClient#complete}; {@link UpstreamException} on failure; and a call
 * that stops when its subscriber cancels.
 */
public abstract class AbstractModelClientContractTests {

	/**
	 * The bound of every verification: the first HTTP call of a JVM pays for the cold
	 * start of the client stack.
	 */
	protected static final Duration VERIFY = Duration.ofSeconds(30);

	/** A request the client answers in text. */
	protected static final ChatCompletionRequest TEXT_REQUEST = ChatCompletionRequest.of("contract-model",
			List.of(ChatMessage.user("Hello there")), List.of(), true);

	/**
	 * A request the client answers by calling {@code get-weather} with
	 * {@code {"city":"Paris"}}.
	 */
	protected static final ChatCompletionRequest TOOL_REQUEST = SampleTools.request("get the weather in Paris");

	/** A client that answers {@link #TEXT_REQUEST} in text, in more than one token. */
	protected abstract ModelClient answeringText();

	/** A client that answers {@link #TOOL_REQUEST} with a call of {@code get-weather}. */
	protected abstract ModelClient callingTools();

	/** A client whose upstream fails every call with a server error. */
	protected abstract ModelClient failing();

	/**
	 * A client that streams the first token of {@link #TEXT_REQUEST} at once and the next
	 * ones only much later.
	 */
	protected abstract ModelClient streamingSlowly();

	/**
	 * Asserts that the call of {@link #streamingSlowly()} was given up after its
	 * subscriber cancelled.
	 */
	protected abstract void assertCallCancelled();

	@Test
	void streamsTokensThenOneCompletedEventWithFinishReasonAndUsage() {
		List<ModelEvent> events = answeringText().stream(TEXT_REQUEST).collectList().block(VERIFY);
		assertThat(events).hasSizeGreaterThan(2);
		List<ModelEvent> tokens = events.subList(0, events.size() - 1);
		assertThat(tokens).allSatisfy((event) -> assertThat(event).isInstanceOfSatisfying(ModelEvent.Token.class,
				(token) -> assertThat(token.text()).isNotEmpty()));
		assertThat(events.get(events.size() - 1)).isInstanceOfSatisfying(ModelEvent.Completed.class, (completed) -> {
			String text = String.join("", tokens.stream().map((event) -> ((ModelEvent.Token) event).text()).toList());
			assertThat(completed.message().role()).isEqualTo(ChatMessage.ASSISTANT);
			assertThat(completed.message().content()).isEqualTo(text);
			assertThat(completed.message().hasToolCalls()).isFalse();
			assertThat(completed.finishReason()).isEqualTo("stop");
			assertThat(completed.usage().totalTokens()).isPositive();
			assertThat(completed.model()).isNotBlank();
		});
	}

	@Test
	void assemblesToolCallsWithIdsNamesAndJsonArguments() {
		ModelEvent.Completed completed = completed(callingTools());
		assertThat(completed.finishReason()).isEqualTo("tool_calls");
		assertThat(completed.message().toolCalls()).hasSize(1);
		ToolCall call = completed.message().toolCalls().get(0);
		assertThat(call.id()).isNotBlank();
		assertThat(call.function().name()).isEqualTo("get-weather");
		JsonNode arguments = StreamingJson.mapper().readTree(call.function().arguments());
		assertThat(arguments.isObject()).isTrue();
		assertThat(arguments.path("city").asString()).isEqualTo("Paris");
	}

	@Test
	void completesWithTheStreamedMessageUnstreamed() {
		ModelClient client = callingTools();
		ChatCompletionResponse response = client.complete(TOOL_REQUEST).block(VERIFY);
		assertThat(response.choices()).hasSize(1);
		assertThat(response.choices().get(0).message()).isEqualTo(completed(client).message());
		assertThat(response.choices().get(0).finishReason()).isEqualTo("tool_calls");
	}

	@Test
	void failsWithUpstreamException() {
		ModelClient client = failing();
		StepVerifier.create(client.stream(TEXT_REQUEST)).expectError(UpstreamException.class).verify(VERIFY);
		StepVerifier.create(client.complete(TEXT_REQUEST)).expectError(UpstreamException.class).verify(VERIFY);
	}

	@Test
	void stopsTheCallWhenCancelled() {
		StepVerifier.create(streamingSlowly().stream(TEXT_REQUEST))
			.expectNextMatches(ModelEvent.Token.class::isInstance)
			.thenCancel()
			.verify(VERIFY);
		assertCallCancelled();
	}

	@Test
	void namesItsProvider() {
		assertThat(answeringText().providerName()).isNotBlank();
	}

	private static ModelEvent.Completed completed(ModelClient client) {
		List<ModelEvent> events = client.stream(TOOL_REQUEST).collectList().block(VERIFY);
		assertThat(events).last().isInstanceOf(ModelEvent.Completed.class);
		assertThat(events).filteredOn(ModelEvent.Completed.class::isInstance).hasSize(1);
		return (ModelEvent.Completed) events.get(events.size() - 1);
	}

}
