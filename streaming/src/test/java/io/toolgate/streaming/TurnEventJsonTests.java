package io.toolgate.streaming;

import java.math.BigDecimal;
import java.util.List;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.Usage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Every {@link TurnEvent} as JSON with this module's settings, from
 * {@link StreamingJson#mapper()} or a mapper adapted once by {@link StreamingJson#adapt}:
 * no {@code null} fields, no helper properties, and it reads back.
 */
class TurnEventJsonTests {

	private static final List<TurnEvent> EVENTS = List.of(new TurnEvent.TurnStarted("t1", "c1", "m"),
			new TurnEvent.Token("x", 2), new TurnEvent.ToolCallStarted("call_1", "add", "{\"a\":1}", 1),
			new TurnEvent.ToolResult("call_1", "add", "ok", StreamingJson.mapper().readTree("{\"sum\":3}"), null, 12,
					1),
			new TurnEvent.ToolResult("call_2", "add", "error", null,
					new TurnEvent.ToolError("timeout", "took too long", true), 5000, 3),
			new TurnEvent.TurnCompleted("stop", "Done.", Usage.of(10, 5), 2),
			new TurnEvent.TurnCompleted("max_iterations", null, Usage.ZERO, 8),
			new TurnEvent.Error("upstream_error", "model failed", "upstream_unavailable"),
			new TurnEvent.TurnResumed("t1", "c1", "m", 2),
			new TurnEvent.UsageUpdate(Usage.of(20, 10), 2, 300, "0.000300"),
			new TurnEvent.TurnCompleted(TurnEvent.TurnCompleted.BUDGET_EXHAUSTED, "partial", null, Usage.of(20, 10), 2,
					new TurnEvent.ExhaustedBudget("turn_cost", "The turn's cost cap of 0.000400 would be passed",
							new BigDecimal("0.000400"), new BigDecimal("0.000300"))),
			new TurnEvent.TurnCompleted(TurnEvent.TurnCompleted.BUDGET_EXHAUSTED, null, null, Usage.of(20, 10), 3,
					new TurnEvent.ExhaustedBudget("turn_tool_calls", "The turn's tool-call cap of 2 would be passed",
							BigDecimal.valueOf(2), BigDecimal.valueOf(2))));

	@Test
	void writesTokensCompactly() {
		assertThat(StreamingJson.mapper().writeValueAsString(new TurnEvent.Token("Hel", 1)))
			.isEqualTo("{\"text\":\"Hel\",\"iteration\":1}");
	}

	@Test
	void roundTripsEveryEventType() {
		for (JsonMapper mapper : List.of(StreamingJson.mapper(), StreamingJson.adapt(JsonMapper.builder().build()))) {
			for (TurnEvent event : EVENTS) {
				String json = mapper.writeValueAsString(event);
				assertThat(json).doesNotContain("null").doesNotContain("\"terminal\"").doesNotContain("\"ok\":");
				assertThat(mapper.readValue(json, TurnEvent.classOf(event.type()))).isEqualTo(event);
			}
		}
	}

	@Test
	void aTurnABudgetEndedFinishesAsLengthForOpenAiClients() {
		assertThat(OpenAiChunkEncoder.finishReason(TurnEvent.TurnCompleted.BUDGET_EXHAUSTED)).isEqualTo("length");
		assertThat(
				StreamingJson.mapper().writeValueAsString(new TurnEvent.UsageUpdate(Usage.of(2, 1), 1, 15, "0.000015")))
			.isEqualTo("{\"usage\":{\"prompt_tokens\":2,\"completion_tokens\":1,\"total_tokens\":3},\"iteration\":1,"
					+ "\"costMicros\":15,\"cost\":\"0.000015\"}");
	}

	@Test
	void readsTheLegacyErrorNameAsAnErrorAndNoUnknownName() {
		assertThat(TurnEvent.classOf(TurnEvent.Error.LEGACY_TYPE)).isEqualTo(TurnEvent.Error.class);
		assertThat(TurnEvent.classOf("turn.unknown")).isNull();
	}

	@Test
	void adaptsIntoANewMapperEveryTimeAndLeavesTheSourceAlone() {
		JsonMapper source = JsonMapper.builder().build();
		JsonMapper adapted = StreamingJson.adapt(source);
		assertThat(StreamingJson.adapt(source)).isNotSameAs(adapted);
		ChatCompletionChunk chunk = ChatCompletionChunk.of("chatcmpl-1", 1, "m", ChatCompletionChunk.Delta.content("x"),
				null);
		assertThat(source.writeValueAsString(chunk)).contains("\"finish_reason\":null");
		assertThat(adapted.writeValueAsString(chunk)).doesNotContain("null");
	}

	@Test
	void refusesAMapperWithoutTheSettingsWhereOneIsUsedAsGiven() {
		assertThat(StreamingJson.requireSettings(StreamingJson.mapper())).isSameAs(StreamingJson.mapper());
		JsonMapper adapted = StreamingJson.adapt(JsonMapper.builder().build());
		assertThat(new OpenAiChunkEncoder("chatcmpl-1", 1, "m", false, adapted).completionId()).isEqualTo("chatcmpl-1");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new OpenAiChunkEncoder("chatcmpl-1", 1, "m", false, JsonMapper.builder().build()));
	}

}
