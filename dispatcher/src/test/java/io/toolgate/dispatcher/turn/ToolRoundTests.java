package io.toolgate.dispatcher.turn;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.toolgate.dispatcher.tool.ToolFanOut;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolResultFraming;
import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.dispatcher.tool.support.WorkerTools;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.store.memory.InMemoryApprovalStore;
import io.toolgate.store.memory.InMemoryIdempotencyStore;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ToolRound}: a step's results go out as {@code tool.result} events as they
 * complete, and the step is stored with its results in the order of the calls; real HTTP
 * tool workers.
 */
class ToolRoundTests {

	private static final Duration VERIFY = Duration.ofSeconds(15);

	private final List<ChatMessage> stored = new CopyOnWriteArrayList<>();

	@RegisterExtension
	private final WorkerTools tools = WorkerTools.start(1, DataSize.ofKilobytes(64));

	private final ToolWorker worker = this.tools.worker();

	private final ToolRegistry registry = this.tools.registry(
			TestTools.http("slow", this.worker.uri("/delay?ms=400"), Duration.ofSeconds(5), 1, 4),
			TestTools.http("fast", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));

	private final ToolRound round = new ToolRound(
			WorkerTools.idempotent(this.registry, new InMemoryIdempotencyStore(), Duration.ofSeconds(1),
					Duration.ofSeconds(5)),
			TestTools.JSON, new ToolResultFraming(ToolRegistry.of(List.of()), ToolResultFraming.DEFAULT_NOTICE), 4,
			Duration.ofMillis(500), new ApprovalGate(this.registry, new InMemoryApprovalStore(), Duration.ofMinutes(1),
					Duration.ofMinutes(1), Clock.systemUTC()));

	@Test
	void emitsResultsAsTheyCompleteAndStoresTheStepInCallOrder() {
		ChatMessage message = ChatMessage.assistant(null,
				List.of(ToolCall.of("call_slow", "slow", "{}"), ToolCall.of("call_fast", "fast", "{\"text\":\"x\"}")));
		StepVerifier.create(this.round.run(state(false), message, Map.of(), true))
			.assertNext(event -> assertThat(((TurnEvent.ToolCallStarted) event).callId()).isEqualTo("call_slow"))
			.assertNext(event -> assertThat(((TurnEvent.ToolCallStarted) event).callId()).isEqualTo("call_fast"))
			.assertNext(event -> assertThat(((TurnEvent.ToolResult) event).callId()).isEqualTo("call_fast"))
			.assertNext(event -> {
				TurnEvent.ToolResult result = (TurnEvent.ToolResult) event;
				assertThat(result.callId()).isEqualTo("call_slow");
				assertThat(result.status()).isEqualTo("ok");
				assertThat(result.durationMs()).isGreaterThanOrEqualTo(400);
				assertThat(result.attempts()).isEqualTo(1);
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.stored).extracting(ChatMessage::role).containsExactly("assistant", "tool", "tool");
		assertThat(this.stored.get(0)).isSameAs(message);
		assertThat(toolMessages()).extracting(ChatMessage::toolCallId).containsExactly("call_slow", "call_fast");
		assertThat(json(this.stored.get(2)).path("echo").path("text").asString()).isEqualTo("x");
	}

	@Test
	void runsOnlyTheCallsWithoutAKnownResultInATakenOverTurn() {
		ChatMessage message = ChatMessage.assistant(null,
				List.of(ToolCall.of("call_done", "fast", "{}"), ToolCall.of("call_open", "fast", "{}")));
		TurnEvent.ToolResult known = new TurnEvent.ToolResult("call_done", "fast", "ok",
				TestTools.JSON.readTree("{\"earlier\":true}"), null, 3, 1);
		StepVerifier.create(this.round.run(state(true), message, Map.of("call_done", known), false))
			.assertNext(event -> assertThat(((TurnEvent.ToolResult) event).callId()).isEqualTo("call_open"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(1);
		assertThat(toolMessages()).extracting(ChatMessage::toolCallId).containsExactly("call_done", "call_open");
		assertThat(json(this.stored.get(1)).path("earlier").asBoolean()).isTrue();
	}

	@Test
	void givesTheModelAConflictResultForACallIdUsedTwiceWithOtherArguments() {
		ChatMessage message = ChatMessage.assistant(null, List.of(ToolCall.of("call_1", "fast", "{\"text\":\"a\"}"),
				ToolCall.of("call_1", "fast", "{\"text\":\"b\"}")));
		StepVerifier.create(this.round.run(state(false), message, Map.of(), false).collectList())
			.assertNext(events -> assertThat(events).extracting(event -> ((TurnEvent.ToolResult) event).status())
				.containsExactlyInAnyOrder("ok", "error"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(1);
		assertThat(this.stored).hasSize(3);
		assertThat(toolMessages()).extracting(tool -> json(tool).path("error").path("type").asString())
			.contains(ToolFanOut.IDEMPOTENCY_CONFLICT);
	}

	private TurnState state(boolean resumed) {
		TurnRequest request = new TurnRequest("turn_1", "acme", "c1", "m", List.of(), List.of(ChatMessage.user("go")),
				List.of(), null, messages -> Mono.fromRunnable(() -> this.stored.addAll(messages)), true);
		TurnState state = new TurnState(request, resumed);
		state.iteration = 1;
		return state;
	}

	private List<ChatMessage> toolMessages() {
		return this.stored.subList(1, this.stored.size());
	}

	private static JsonNode json(ChatMessage message) {
		return TestTools.JSON.readTree(ToolResultFraming.body(message.content()));
	}

}
