package io.toolgate.dispatcher.web;

import io.toolgate.store.StoredEvent;
import io.toolgate.streaming.TurnEvent;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class NativeStreamEventsTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final NativeStreamEvents events = new NativeStreamEvents(JSON, false);

	private final NativeStreamEvents legacy = new NativeStreamEvents(JSON, true);

	@Test
	void namesFailuresTurnErrorWhateverNameTheLogHolds() {
		assertThat(this.events.of(stored("turn.error"), null).event()).isEqualTo("turn.error");
		assertThat(this.events.of(stored("error"), null).event()).isEqualTo("turn.error");
		assertThat(this.events.failure(new TurnEvent.Error("t", "m", "c")).event()).isEqualTo("turn.error");
	}

	@Test
	void keepsTheOldNameWhileTheCompatibilityFlagIsOn() {
		assertThat(this.legacy.of(stored("turn.error"), null).event()).isEqualTo("error");
		assertThat(this.legacy.failure(new TurnEvent.Error("t", "m", "c")).event()).isEqualTo("error");
		assertThat(this.legacy.of(new StoredEvent(1, "token", "{}", false), null).event()).isEqualTo("token");
	}

	@Test
	void addsTheStreamTokenToTurnStartedOnly() {
		ServerSentEvent<String> started = this.events
			.of(new StoredEvent(1, "turn.started", "{\"turnId\":\"turn_1\",\"conversationId\":\"c\"}", false), "tok");
		ServerSentEvent<String> token = this.events.of(new StoredEvent(2, "token", "{\"text\":\"a\"}", false), "tok");

		assertThat(started.data())
			.isEqualTo("{\"turnId\":\"turn_1\",\"conversationId\":\"c\",\"streamToken\":\"tok\"}");
		assertThat(started.id()).isEqualTo("1");
		assertThat(token.data()).isEqualTo("{\"text\":\"a\"}");
	}

	@Test
	void endsAResumeAfterTheTerminalEventWithStreamEndWithoutAnId() {
		ServerSentEvent<String> end = this.events.streamEnd();

		assertThat(end.event()).isEqualTo("stream.end");
		assertThat(end.id()).isNull();
	}

	private static StoredEvent stored(String type) {
		return new StoredEvent(9, type, "{\"errorType\":\"t\",\"message\":\"m\",\"code\":\"c\"}", true);
	}

}
