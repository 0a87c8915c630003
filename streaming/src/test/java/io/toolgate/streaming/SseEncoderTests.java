package io.toolgate.streaming;

import java.util.List;

import io.toolgate.streaming.openai.Usage;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SseEncoderTests {

	private final SseEncoder encoder = new SseEncoder(JsonMapper.builder().build());

	@Test
	void encodesNameIdAndJsonData() {
		ServerSentEvent<String> event = this.encoder.encode(42, new TurnEvent.Token("Hel", 1));
		assertThat(event.event()).isEqualTo("token");
		assertThat(event.id()).isEqualTo("42");
		assertThat(event.data()).isEqualTo("{\"text\":\"Hel\",\"iteration\":1}");
	}

	@Test
	void roundTripsEveryEventType() {
		List<TurnEvent> events = List.of(new TurnEvent.TurnStarted("t1", "c1", "m"), new TurnEvent.Token("x", 2),
				new TurnEvent.ToolCallStarted("call_1", "add", "{\"a\":1}", 1),
				new TurnEvent.ToolResult("call_1", "add", "ok", StreamingJson.mapper().readTree("{\"sum\":3}"), null, 12, 1),
				new TurnEvent.ToolResult("call_2", "add", "error", null,
						new TurnEvent.ToolError("timeout", "took too long", true), 5000, 3),
				new TurnEvent.TurnCompleted("stop", "Done.", Usage.of(10, 5), 2),
				new TurnEvent.TurnCompleted("max_iterations", null, Usage.ZERO, 8),
				new TurnEvent.Error("upstream_error", "model failed", "upstream_unavailable"));
		for (TurnEvent event : events) {
			String json = this.encoder.toJson(event);
			assertThat(json).doesNotContain("null").doesNotContain("\"terminal\"").doesNotContain("\"ok\":");
			assertThat(this.encoder.fromJson(event.type(), json)).isEqualTo(event);
		}
	}

	@Test
	void namesFailuresTurnErrorAndStillReadsTheLegacyName() {
		TurnEvent.Error error = new TurnEvent.Error("upstream_error", "model failed", "upstream_unavailable");
		String json = this.encoder.toJson(error);

		assertThat(this.encoder.encode(7, error).event()).isEqualTo("turn.error");
		assertThat(this.encoder.fromJson("error", json)).isEqualTo(error);
	}

	@Test
	void rejectsUnknownTypeAndBadJson() {
		assertThatIllegalArgumentException().isThrownBy(() -> this.encoder.fromJson("nope", "{}"));
		assertThatIllegalArgumentException().isThrownBy(() -> this.encoder.fromJson("token", "{not json"));
	}

}
