package io.toolgate.dispatcher.turn;

import java.time.Clock;
import java.time.Duration;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import io.toolgate.store.memory.InMemoryConversationStore;
import io.toolgate.store.memory.InMemoryTurnEventLog;
import io.toolgate.store.memory.InMemoryTurnLeases;
import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.Usage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TurnEventWriter}: the first batch is written at the model's first token, later
 * ones after the flush interval, and the terminal event's batch releases the lease.
 */
class TurnEventWriterTests {

	private static final Duration FLUSH = Duration.ofMillis(25);

	private final ConversationKey conversation = new ConversationKey("acme", "c1");

	private final TurnKey key = new TurnKey(this.conversation, "turn_1");

	private final InMemoryTurnEventLog eventLog = new InMemoryTurnEventLog();

	private final InMemoryTurnLeases leases = new InMemoryTurnLeases();

	private final InMemoryConversationStore conversations = new InMemoryConversationStore(this.leases, this.eventLog,
			InMemoryConversationStore.Limits.ofDefaults(), Clock.systemUTC());

	private final TurnEventWriter writer = new TurnEventWriter(this.eventLog,
			TurnEnds.sequential(this.conversations, this.eventLog, this.leases), FLUSH, StreamingJson.mapper());

	@Test
	void writesTheFirstTokenAtOnceBatchesTheRestAndReleasesTheLeaseWithTheLastBatch() {
		TurnLease lease = this.leases.acquire(this.conversation, "turn_1", Duration.ofMinutes(1)).block();
		this.eventLog.create(this.key, Duration.ofMinutes(5)).block();
		Sinks.Many<TurnEvent> events = Sinks.many().unicast().onBackpressureBuffer();

		StepVerifier.withVirtualTime(() -> this.writer.write(this.key, events.asFlux(), lease, completed -> null))
			.then(() -> events.tryEmitNext(new TurnEvent.TurnStarted("turn_1", "c1", "m")))
			.expectNoEvent(Duration.ofMillis(5))
			.then(() -> events.tryEmitNext(new TurnEvent.Token("a", 1)))
			.assertNext(event -> assertThat(event.type()).isEqualTo("turn.started"))
			.assertNext(event -> assertThat(event.id()).isEqualTo(2))
			.then(() -> events.tryEmitNext(new TurnEvent.Token("b", 1)))
			.thenAwait(Duration.ofMillis(5))
			.then(() -> events.tryEmitNext(new TurnEvent.Token("c", 1)))
			.expectNoEvent(Duration.ofMillis(19))
			.thenAwait(Duration.ofMillis(1))
			.assertNext(event -> assertThat(event.id()).isEqualTo(3))
			.assertNext(event -> assertThat(event.id()).isEqualTo(4))
			.then(() -> assertThat(this.leases.isHeld(this.conversation, "turn_1").block()).isTrue())
			.then(() -> {
				events.tryEmitNext(new TurnEvent.TurnCompleted("stop", "abc", null, Usage.ZERO, 1));
				events.tryEmitComplete();
			})
			.assertNext(event -> {
				assertThat(event.terminal()).isTrue();
				assertThat(this.leases.isHeld(this.conversation, "turn_1").block()).isFalse();
			})
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.eventLog.readStored(this.key, 0).map(StoredEvent::type).collectList().block())
			.containsExactly("turn.started", "token", "token", "token", "turn.completed");
	}

	@Test
	void storesTheAnswerTheTurnHeldWithItsCompletionAndNotWithAnError() {
		TurnLease lease = this.leases.acquire(this.conversation, "turn_1", Duration.ofMinutes(1)).block();
		this.eventLog.create(this.key, Duration.ofMinutes(5)).block();
		String answer = "{\"role\":\"assistant\",\"content\":\"abc\"}";
		TurnEnds.Answer held = new TurnEnds.Answer(0, java.util.List.of(answer));
		java.util.List<Boolean> asked = new java.util.concurrent.CopyOnWriteArrayList<>();

		this.writer.write(this.key, Flux.just(new TurnEvent.TurnStarted("turn_1", "c1", "m"),
				new TurnEvent.TurnCompleted("stop", "abc", null, Usage.ZERO, 1)), lease, completed -> {
					asked.add(completed);
					return completed ? held : null;
				})
			.blockLast(Duration.ofSeconds(5));

		assertThat(asked).containsExactly(true);
		assertThat(this.conversations.find(this.conversation).block().messages()).containsExactly(answer);
		assertThat(this.leases.isHeld(this.conversation, "turn_1").block()).isFalse();

		TurnKey failed = new TurnKey(this.conversation, "turn_2");
		TurnLease second = this.leases.acquire(this.conversation, "turn_2", Duration.ofMinutes(1)).block();
		this.eventLog.create(failed, Duration.ofMinutes(5)).block();
		String step = "{\"role\":\"tool\",\"tool_call_id\":\"call_1\",\"content\":\"42\"}";
		this.writer.write(failed, Flux.just(new TurnEvent.Error("upstream_error", "failed", "upstream_error")), second,
				completed -> {
					asked.add(completed);
					return completed ? new TurnEnds.Answer(1, java.util.List.of(answer))
							: new TurnEnds.Answer(1, java.util.List.of(step));
				})
			.blockLast(Duration.ofSeconds(5));
		assertThat(asked).containsExactly(true, false);
		assertThat(this.conversations.find(this.conversation).block().messages()).containsExactly(answer, step);
	}

}
