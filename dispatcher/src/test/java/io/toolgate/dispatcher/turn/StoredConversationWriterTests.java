package io.toolgate.dispatcher.turn;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnLease;
import io.toolgate.store.memory.InMemoryConversationStore;
import io.toolgate.store.memory.InMemoryTurnEventLog;
import io.toolgate.store.memory.InMemoryTurnLeases;
import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link StoredConversationWriter}: a turn whose answer waits for its end holds its
 * latest step too, and stores it before its next step or with its end.
 */
class StoredConversationWriterTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static final JsonMapper JSON = StreamingJson.mapper();

	private final ConversationKey key = new ConversationKey("acme", "c1");

	private final InMemoryTurnLeases leases = new InMemoryTurnLeases();

	private final InMemoryConversationStore store = new InMemoryConversationStore(this.leases,
			new InMemoryTurnEventLog(), InMemoryConversationStore.Limits.ofDefaults(), Clock.systemUTC());

	private final List<ChatMessage> first = step("call_1", "1");

	private final List<ChatMessage> second = step("call_2", "2");

	private final ChatMessage answer = ChatMessage.assistant("done");

	private TurnLease lease;

	private long version;

	@BeforeEach
	void startTurn() {
		this.lease = this.leases.acquire(this.key, "turn_1", Duration.ofMinutes(1)).block(WAIT);
		this.version = this.store.append(this.key, 0, List.of(json(ChatMessage.user("hi"))), this.lease)
			.block(WAIT)
			.version();
	}

	@Test
	void holdsTheLatestStepUntilTheNextBeginsAndStoresTheRestWithTheAnswer() {
		StoredConversationWriter writer = writer();
		writer.deferAnswerToEnd();

		writer.appendStep(this.first).block(WAIT);
		assertThat(messages()).hasSize(1);

		writer.storeHeldStep().block(WAIT);
		assertThat(messages()).hasSize(1 + this.first.size());
		writer.storeHeldStep().block(WAIT);
		assertThat(messages()).as("stored once").hasSize(1 + this.first.size());

		writer.appendStep(this.second).block(WAIT);
		writer.appendAnswer(List.of(this.answer)).block(WAIT);
		TurnEnds.Answer end = writer.takeAnswer();

		assertThat(end).isNotNull();
		assertThat(end.expectedVersion()).isEqualTo(this.store.find(this.key).block(WAIT).version());
		assertThat(end.messages()).containsExactly(json(this.second.get(0)), json(this.second.get(1)),
				json(this.answer));
		assertThat(writer.takeAnswer()).as("taken once").isNull();
	}

	@Test
	void aTurnThatDoesNotCompleteStoresItsHeldStepAndNoAnswer() {
		StoredConversationWriter writer = writer();
		writer.deferAnswerToEnd();

		writer.appendStep(this.first).block(WAIT);
		writer.appendAnswer(List.of(this.answer)).block(WAIT);
		TurnEnds.Answer end = writer.takeStep();

		assertThat(end).isNotNull();
		assertThat(end.expectedVersion()).isEqualTo(this.version);
		assertThat(end.messages()).containsExactly(json(this.first.get(0)), json(this.first.get(1)));
		assertThat(writer.takeAnswer()).isNull();
		assertThat(writer.takeStep()).isNull();
	}

	@Test
	void aStepIsStoredAtOnceWhenTheAnswerIsNotHeld() {
		StoredConversationWriter writer = writer();

		writer.appendStep(this.first).block(WAIT);

		assertThat(messages()).hasSize(1 + this.first.size());
		assertThat(writer.takeAnswer()).isNull();
	}

	@Test
	void aNewStepStoresTheOneStillHeld() {
		StoredConversationWriter writer = writer();
		writer.deferAnswerToEnd();

		writer.appendStep(this.first).block(WAIT);
		writer.appendStep(this.second).block(WAIT);

		assertThat(messages()).hasSize(1 + this.first.size());
		assertThat(writer.takeStep().messages()).containsExactly(json(this.second.get(0)), json(this.second.get(1)));
	}

	private StoredConversationWriter writer() {
		return new StoredConversationWriter(this.store, this.key, this.lease, this.version, JSON);
	}

	private List<String> messages() {
		return this.store.find(this.key).block(WAIT).messages();
	}

	private static List<ChatMessage> step(String callId, String result) {
		return List.of(ChatMessage.assistant(null, List.of(ToolCall.of(callId, "work", "{}"))),
				ChatMessage.tool(callId, result));
	}

	private static String json(ChatMessage message) {
		return JSON.writeValueAsString(message);
	}

}
