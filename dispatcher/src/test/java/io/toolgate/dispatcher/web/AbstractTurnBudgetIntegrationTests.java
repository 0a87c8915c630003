package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.toolgate.dispatcher.support.ApprovalScripts;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Budgets and caps that end a turn: a scripted model that calls the built-in
 * {@code calculator} once per model call (four times, then answers), priced at 10 a
 * million tokens either way (each call reports 15 tokens: 150 micro-units; from the
 * second call on, a prompt holds tool results and the notice that frames them, some 150
 * tokens). Tenants: {@code globex} has the default cap of 2 tool calls, {@code acme} a
 * cost cap of 0.0004, {@code initech} a token cap of 40, {@code umbrella} a daily budget
 * of 0.0012 that its second model call's estimate does not fit. Each turn ends with
 * {@code turn.completed} reason {@code budget_exhausted} naming the budget, its limit and
 * what was used, after {@code usage} events carrying its running cost; chat completions
 * end with {@code finish_reason: length} and the {@code toolgate_reason} and
 * {@code toolgate_budget} extension fields; each end is in the audit trail. A request
 * refused before its turn made a model call stays 429.
 */
abstract class AbstractTurnBudgetIntegrationTests {

	static final String INITECH_KEY = "initech-test-key";

	static final String UMBRELLA_KEY = "umbrella-test-key";

	private static final Duration WAIT = Duration.ofSeconds(60);

	private static final JsonMapper JSON = JsonMapper.builder().build();

	/** The model: a calculator call per model call until four results, then an answer. */
	static Flux<String> script(JsonNode request, int index) {
		int results = ChatScripts.toolResults(request).size();
		if (results >= 4) {
			return ChatScripts.text("done after ", results + " calls");
		}
		return ChatScripts.toolCalls(
				new String[] { "call_" + results, "calculator", "{\"a\":" + results + ",\"b\":1,\"op\":\"add\"}" });
	}

	static Map<String, Object> properties(String upstreamUrl) {
		Map<String, Object> properties = new HashMap<>();
		properties.put("toolgate.api-keys", "acme:" + GatewayApp.ACME_KEY + ",globex:" + GatewayApp.GLOBEX_KEY
				+ ",initech:" + INITECH_KEY + ",umbrella:" + UMBRELLA_KEY);
		properties.put("toolgate.upstream.base-url", upstreamUrl);
		properties.put("toolgate.spend.default-price.input-per-million", "10");
		properties.put("toolgate.spend.default-price.output-per-million", "10");
		properties.put("toolgate.spend.default-budget.turn.max-tool-calls", "2");
		properties.put("toolgate.spend.tenants.acme.turn.max-cost", "0.0004");
		properties.put("toolgate.spend.tenants.initech.turn.max-tokens", "40");
		properties.put("toolgate.spend.tenants.umbrella.daily", "0.0012");
		properties.put("toolgate.spend.tenants.umbrella.turn.max-tool-calls", "0");
		properties.put("toolgate.ratelimit.token-estimate.completion-tokens", "100");
		return properties;
	}

	/**
	 * The gateway under test.
	 * @return a running gateway
	 */
	abstract GatewayApp app();

	@Test
	void theToolCallCapEndsANativeTurnBeforeTheRoundThatWouldPassIt() {
		List<ServerSentEvent<String>> events = turn(GatewayApp.GLOBEX_KEY);

		assertThat(ApprovalScripts.all(events, "tool.result")).hasSize(2);
		List<JsonNode> usage = ApprovalScripts.all(events, "usage");
		assertThat(usage).extracting(node -> node.path("cost").asString())
			.containsExactly("0.000150", "0.000300", "0.000450");
		assertThat(usage).extracting(node -> node.path("costMicros").asLong()).containsExactly(150L, 300L, 450L);
		assertThat(usage.get(2).path("usage").path("total_tokens").asLong()).isEqualTo(45);
		assertThat(usage.get(2).path("iteration").asInt()).isEqualTo(3);
		JsonNode done = completed(events);
		assertThat(done.path("reason").asString()).isEqualTo("budget_exhausted");
		assertThat(done.path("iterations").asInt()).isEqualTo(3);
		JsonNode budget = done.path("budget");
		assertThat(budget.path("budget").asString()).isEqualTo("turn_tool_calls");
		assertThat(budget.path("limit").asInt()).isEqualTo(2);
		assertThat(budget.path("used").asInt()).isEqualTo(2);
		assertThat(budget.path("message").asString())
			.isEqualTo("The turn's tool-call cap of 2 would be passed (used 2, the next step needs 1 more)");
		assertThat(auditedBudgets(GatewayApp.GLOBEX_KEY)).contains("turn_tool_calls");
	}

	@Test
	void theTokenCapEndsANativeTurnBeforeTheModelCallThatWouldPassIt() {
		List<ServerSentEvent<String>> events = turn(INITECH_KEY);

		JsonNode done = completed(events);
		assertThat(done.path("reason").asString()).isEqualTo("budget_exhausted");
		JsonNode budget = done.path("budget");
		assertThat(budget.path("budget").asString()).isEqualTo("turn_tokens");
		assertThat(budget.path("limit").asInt()).isEqualTo(40);
		// One call of 15 tokens: the second call's prompt (a tool result and the notice
		// that frames it, some 150 tokens) no longer fits.
		assertThat(budget.path("used").asInt()).isEqualTo(15);
		assertThat(done.path("usage").path("total_tokens").asLong()).isEqualTo(15);
		assertThat(done.path("iterations").asInt()).isEqualTo(1);
		assertThat(ApprovalScripts.all(events, "tool.result")).hasSize(1);
		assertThat(ApprovalScripts.all(events, "usage")).hasSize(1);
		assertThat(auditedBudgets(INITECH_KEY)).contains("turn_tokens");
	}

	@Test
	void theCostCapEndsAChatCompletionWithFinishReasonLengthAndTheExtensionFields() {
		ErrorReply reply = ErrorReply.of(app().client(GatewayApp.ACME_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"add things\"}]}"));

		assertThat(reply.status()).isEqualTo(200);
		JsonNode body = reply.json();
		assertThat(body.path("choices").get(0).path("finish_reason").asString()).isEqualTo("length");
		assertThat(body.path("toolgate_reason").asString()).isEqualTo("budget_exhausted");
		JsonNode budget = body.path("toolgate_budget");
		assertThat(budget.path("budget").asString()).isEqualTo("turn_cost");
		assertThat(budget.path("limit").decimalValue()).isEqualByComparingTo("0.0004");
		// One call (0.00015): the second call's prompt (a tool result and the notice that
		// frames it, some 150 tokens) would pass the cap.
		assertThat(budget.path("used").decimalValue()).isEqualByComparingTo("0.00015");
		assertThat(budget.path("message").asString())
			.startsWith("The turn's cost cap of 0.000400 would be passed (used 0.000150, the next step needs 0.00");
		assertThat(body.path("usage").path("total_tokens").asLong()).isEqualTo(15);
		assertThat(auditedBudgets(GatewayApp.ACME_KEY)).contains("turn_cost");
	}

	@Test
	void theCostCapEndsAStreamedChatCompletionWithOneFinishChunkCarryingTheExtensionFields() {
		List<String> data = app().client(GatewayApp.ACME_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"add things\"}],\"stream\":true,"
					+ "\"stream_options\":{\"include_usage\":true}}")
			.retrieve()
			.bodyToFlux(SseClient.EVENTS)
			.mapNotNull(ServerSentEvent::data)
			.collectList()
			.block(WAIT);

		assertThat(data).isNotNull();
		assertThat(data.getLast()).isEqualTo("[DONE]");
		List<JsonNode> chunks = data.subList(0, data.size() - 1).stream().map(JSON::readTree).toList();
		List<JsonNode> finishes = chunks.stream()
			.filter(chunk -> chunk.path("choices").size() > 0
					&& chunk.path("choices").get(0).path("finish_reason").isString())
			.toList();
		assertThat(finishes).hasSize(1);
		JsonNode finish = finishes.get(0);
		assertThat(finish.path("choices").get(0).path("finish_reason").asString()).isEqualTo("length");
		assertThat(finish.path("toolgate_reason").asString()).isEqualTo("budget_exhausted");
		assertThat(finish.path("toolgate_budget").path("budget").asString()).isEqualTo("turn_cost");
		assertThat(chunks.getLast().path("usage").path("total_tokens").asLong()).isEqualTo(15);
		assertThat(data).noneMatch(payload -> payload.contains("\"error\""));
	}

	@Test
	void aTenantBudgetEndsATurnPastItsFirstModelCallAndARequestRefusedAtItsFirstStays429() {
		List<ServerSentEvent<String>> events = turn(UMBRELLA_KEY);

		JsonNode done = completed(events);
		assertThat(done.path("reason").asString()).isEqualTo("budget_exhausted");
		JsonNode budget = done.path("budget");
		assertThat(budget.path("budget").asString()).isEqualTo("tenant_daily");
		assertThat(budget.path("limit").decimalValue()).isEqualByComparingTo("0.0012");
		assertThat(budget.path("used").decimalValue()).isEqualByComparingTo("0.00015");
		assertThat(budget.path("message").asString()).startsWith("The tenant's daily budget of 0.001200 is exhausted");
		assertThat(done.path("iterations").asInt()).isEqualTo(1);
		assertThat(ApprovalScripts.all(events, "tool.result")).hasSize(1);
		assertThat(ApprovalScripts.all(events, "turn.error")).isEmpty();
		assertThat(auditedBudgets(UMBRELLA_KEY)).contains("tenant_daily");

		ErrorReply refused = ErrorReply.of(app().client(UMBRELLA_KEY)
			.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"Say something short about budgets.\"}]}"));
		assertThat(refused.status()).isEqualTo(429);
		JsonNode error = refused.json().path("error");
		assertThat(error.path("type").asString()).isEqualTo("rate_limit_error");
		assertThat(error.path("code").asString()).isEqualTo("budget_exhausted");
		assertThat(error.path("budget").asString()).isEqualTo("tenant_daily");
		assertThat(error.path("spent").decimalValue()).isEqualByComparingTo("0.00015");
	}

	private List<ServerSentEvent<String>> turn(String key) {
		return turnWith(key, "go");
	}

	private List<ServerSentEvent<String>> turnWith(String key, String content) {
		Flux<ServerSentEvent<String>> events = ApprovalScripts.startTurn(app().client(key), "conv-" + UUID.randomUUID(),
				content);
		return ApprovalScripts.untilEnd(events);
	}

	private static JsonNode completed(List<ServerSentEvent<String>> events) {
		List<JsonNode> done = ApprovalScripts.all(events, "turn.completed");
		assertThat(done).as("one turn.completed in %s", events).hasSize(1);
		return done.get(0);
	}

	private List<String> auditedBudgets(String key) {
		JsonNode audit = ErrorReply.of(app().client(key).get().uri("/v1/audit")).json();
		return audit.path("data")
			.valueStream()
			.filter(entry -> "budget_refusal".equals(entry.path("kind").asString()))
			.map(entry -> entry.path("details").path("budget").asString())
			.toList();
	}

}
