package io.toolgate.loadtest;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TurnCheckTests {

	private static final String VALID = """
			retry:2000
			:open

			id:1
			event:turn.started
			data:{"turnId":"turn_1","conversationId":"c"}

			id:2
			event:tool.call
			data:{"callId":"call_a","name":"weather"}

			id:3
			event:tool.call
			data:{"callId":"call_b","name":"clock"}

			id:4
			event:tool.result
			data:{"callId":"call_b","status":"ok"}

			id:5
			event:tool.result
			data:{"callId":"call_a","status":"ok"}

			id:6
			event:token
			data:{"text":"Hi "}

			id:7
			event:turn.completed
			data:{"reason":"stop"}

			""";

	@Test
	void acceptsAWellFormedTurnWithParallelToolCalls() {
		TurnCheck check = TurnCheck.of(VALID);

		assertThat(check.problems()).isEmpty();
		assertThat(check.turnId()).isEqualTo("turn_1");
		assertThat(check.toolCalls()).isEqualTo(2);
		assertThat(check.tokens()).isEqualTo(1);
		assertThat(check.events()).isEqualTo(7);
	}

	@Test
	void reportsAToolCallWithoutResult() {
		String body = VALID.replace("event:tool.result\ndata:{\"callId\":\"call_a\",\"status\":\"ok\"}",
				"event:token\ndata:{\"text\":\"x\"}");

		assertThat(TurnCheck.of(body).problems()).anyMatch((problem) -> problem.contains("call_a"));
	}

	@Test
	void reportsIdsThatDoNotIncrease() {
		String body = VALID.replace("id:6\n", "id:2\n");

		assertThat(TurnCheck.of(body).problems()).contains("id 2 after 5");
	}

	@Test
	void reportsAStreamThatStopsBeforeTurnCompleted() {
		String body = VALID.substring(0, VALID.indexOf("id:7"));

		assertThat(TurnCheck.of(body).problems()).contains("last event is token");
	}

	@Test
	void reportsAnEmptyBody() {
		assertThat(TurnCheck.of("").valid()).isFalse();
	}

	@Test
	void framesEventsSplitAcrossChunksWithCrLf() {
		SseEventParser parser = new SseEventParser();

		assertThat(parser.feed("id:1\r\nevent:tok", 1)).isEmpty();
		assertThat(parser.feed("en\r\ndata:{}\r\n\r\n", 2)).containsExactly(new SseEvent("1", "token", "{}", 2));
	}

}
