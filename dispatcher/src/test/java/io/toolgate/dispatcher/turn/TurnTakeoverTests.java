package io.toolgate.dispatcher.turn;

import java.util.List;

import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.Usage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where a taken-over turn continues, read from its stored conversation and its event log.
 */
class TurnTakeoverTests {

	private static final TurnEvent STARTED = new TurnEvent.TurnStarted("turn_1", "c1", "gpt-test");

	private static final ChatMessage EARLIER_ANSWER = ChatMessage.assistant("an earlier turn's answer");

	@Test
	void asksTheModelAgainWhenItsAnswerWasCutShort() {
		List<ChatMessage> messages = List.of(ChatMessage.user("hi"), EARLIER_ANSWER, ChatMessage.user("and now?"));
		TurnResumption from = TurnResumption.read(List.of(STARTED, new TurnEvent.Token("par", 1)), messages);
		assertThat(from).isNotNull();
		assertThat(from.model()).isEqualTo("gpt-test");
		assertThat(from.iteration()).isEqualTo(1);
		assertThat(from.pendingStep()).isNull();
		assertThat(from.answer()).isNull();
	}

	@Test
	void continuesAfterTheLastStoredStep() {
		ToolCall call = ToolCall.of("call_1", "weather", "{\"city\":\"Oslo\"}");
		List<ChatMessage> messages = List.of(ChatMessage.user("weather?"), ChatMessage.assistant(null, List.of(call)),
				ChatMessage.tool("call_1", "{}"));
		List<TurnEvent> events = List.of(STARTED, toolCall("call_1", 1), result("call_1"), new TurnEvent.Token("x", 2));
		TurnResumption from = TurnResumption.read(events, messages);
		assertThat(from.iteration()).isEqualTo(2);
		assertThat(from.pendingStep()).isNull();
	}

	@Test
	void runsTheRecordedCallsOfAStepThatWasNotStored() {
		List<ChatMessage> messages = List.of(ChatMessage.user("weather?"));
		List<TurnEvent> events = List.of(STARTED, new TurnEvent.Token("Let me look. ", 1), toolCall("call_1", 1),
				toolCall("call_2", 1), result("call_2"));
		TurnResumption from = TurnResumption.read(events, messages);
		assertThat(from.iteration()).isEqualTo(1);
		assertThat(from.pendingStep().content()).isEqualTo("Let me look. ");
		assertThat(from.pendingStep().toolCalls()).extracting(ToolCall::id).containsExactly("call_1", "call_2");
		assertThat(from.results()).containsOnlyKeys("call_2");
	}

	@Test
	void endsWithTheStoredAnswerWhenOnlyTheTerminalEventIsMissing() {
		List<ChatMessage> messages = List.of(ChatMessage.user("hi"), ChatMessage.assistant("hello"));
		TurnResumption from = TurnResumption.read(List.of(STARTED, new TurnEvent.Token("hello", 1)), messages);
		assertThat(from.answer()).isEqualTo("hello");
		assertThat(from.iteration()).isEqualTo(1);
	}

	@Test
	void cannotContinueATurnThatNeverLoggedItsStart() {
		List<ChatMessage> messages = List.of(ChatMessage.user("hi"));
		assertThat(TurnResumption.read(List.of(), messages)).isNull();
		assertThat(TurnResumption.read(List.of(STARTED), List.of())).isNull();
	}

	@Test
	void cannotContinueOnAConversationAnotherTurnMovedOn() {
		ToolCall other = ToolCall.of("call_9", "weather", "{\"city\":\"Rome\"}");
		List<ChatMessage> steps = List.of(ChatMessage.user("next question"),
				ChatMessage.assistant(null, List.of(other)), ChatMessage.tool("call_9", "{}"));
		assertThat(TurnResumption.read(List.of(STARTED, toolCall("call_1", 1)), steps)).isNull();
		List<ChatMessage> answered = List.of(ChatMessage.user("next question"),
				ChatMessage.assistant("another answer"));
		assertThat(TurnResumption.read(List.of(STARTED, new TurnEvent.Token("hel", 1)), answered)).isNull();
	}

	@Test
	void ignoresCompletedTurnsEvents() {
		TurnEvent completed = new TurnEvent.TurnCompleted("stop", "x", Usage.ZERO, 1);
		assertThat(TurnResumption.read(List.of(STARTED, completed), List.of(ChatMessage.user("hi"))).iteration())
			.isEqualTo(1);
	}

	private static TurnEvent toolCall(String id, int iteration) {
		return new TurnEvent.ToolCallStarted(id, "weather", "{\"city\":\"Oslo\"}", iteration);
	}

	private static TurnEvent result(String id) {
		return new TurnEvent.ToolResult(id, "weather", "ok", null, null, 3, 1);
	}

}
