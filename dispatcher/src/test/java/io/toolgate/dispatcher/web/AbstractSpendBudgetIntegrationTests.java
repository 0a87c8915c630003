package io.toolgate.dispatcher.web;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A tenant's daily spend budget over HTTP, on the simulated model priced at 10 a million
 * tokens either way: chat completions are admitted until the next call's estimate would
 * pass the budget, then refused with 429 {@code budget_exhausted} naming the budget, its
 * limit, what was spent (exactly the usage the admitted completions reported, priced) and
 * when it resets, and recorded in the audit trail; {@code GET /v1/usage} reports the same
 * spend by model. Requests alternate over the replicas the subclass starts; another
 * tenant is not held back.
 */
abstract class AbstractSpendBudgetIntegrationTests {

	/** 10 a million tokens: 10 micro-units a token. */
	private static final long MICROS_PER_TOKEN = 10;

	/** 0.004: 4,000 micro-units. */
	private static final long DAILY_MICROS = 4_000;

	static Map<String, Object> spendProperties() {
		Map<String, Object> properties = new HashMap<>();
		properties.put("toolgate.spend.default-price.input-per-million", "10");
		properties.put("toolgate.spend.default-price.output-per-million", "10");
		properties.put("toolgate.spend.tenants.acme.daily", "0.004");
		return properties;
	}

	/**
	 * The replicas requests alternate over.
	 * @return one or more running gateways
	 */
	abstract List<GatewayApp> replicas();

	@Test
	void admitsUntilTheDailyBudgetThenRefusesWith429NamingIt() {
		long spent = 0;
		int admitted = 0;
		ErrorReply refusal = null;
		for (int i = 0; i < 40 && refusal == null; i++) {
			ErrorReply reply = chat(replicas().get(i % replicas().size()), GatewayApp.ACME_KEY);
			if (reply.status() == 200) {
				JsonNode usage = reply.json().path("usage");
				spent += (usage.path("prompt_tokens").asLong() + usage.path("completion_tokens").asLong())
						* MICROS_PER_TOKEN;
				admitted++;
			}
			else {
				refusal = reply;
			}
		}
		assertThat(admitted).as("completions admitted before the refusal").isGreaterThan(1);
		assertThat(refusal).as("a refusal within 40 requests").isNotNull();
		assertThat(refusal.status()).isEqualTo(429);
		assertThat(refusal.headers().getContentType().isCompatibleWith(MediaType.APPLICATION_JSON)).isTrue();
		JsonNode error = refusal.json().path("error");
		assertThat(error.path("type").asString()).isEqualTo("rate_limit_error");
		assertThat(error.path("code").asString()).isEqualTo("budget_exhausted");
		assertThat(error.path("budget").asString()).isEqualTo("tenant_daily");
		assertThat(error.path("limit").decimalValue()).isEqualByComparingTo(new BigDecimal("0.004"));
		assertThat(error.path("spent").decimalValue()).as("spent, across every replica")
			.isEqualByComparingTo(BigDecimal.valueOf(spent, 6));
		String tomorrow = LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toString();
		assertThat(error.path("resets_at").asString()).isEqualTo(tomorrow);
		assertThat(error.path("message").asString()).startsWith("The tenant's daily budget of 0.004000 is exhausted");
		assertThat(spent).isLessThanOrEqualTo(DAILY_MICROS);
		assertThat(refusal.raw()).doesNotContain("Exception", "at io.");
		// The refusal is in the tenant's audit trail.
		JsonNode audit = ErrorReply.of(replicas().get(0).client(GatewayApp.ACME_KEY).get().uri("/v1/audit")).json();
		assertThat(audit.path("data").valueStream().map((entry) -> entry.path("kind").asString()))
			.contains("budget_refusal");
		// GET /v1/usage reports the same spend, on every replica, by model.
		long prompt = 0;
		long completion = 0;
		for (GatewayApp replica : replicas()) {
			JsonNode usage = ErrorReply.of(replica.client(GatewayApp.ACME_KEY).get().uri("/v1/usage")).json();
			assertThat(usage.path("object").asString()).isEqualTo("usage");
			assertThat(usage.path("tenant").asString()).isEqualTo("acme");
			JsonNode day = usage.path("periods").get(0);
			JsonNode month = usage.path("periods").get(1);
			assertThat(day.path("period").asString()).isEqualTo("day");
			assertThat(day.path("end").asString()).isEqualTo(tomorrow);
			assertThat(day.path("budget").decimalValue()).isEqualByComparingTo(new BigDecimal("0.004"));
			assertThat(day.path("spent").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(spent, 6));
			assertThat(month.path("period").asString()).isEqualTo("month");
			assertThat(month.path("budget").isNull()).isTrue();
			assertThat(month.path("spent").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(spent, 6));
			JsonNode model = day.path("models").get(0);
			assertThat(day.path("models")).hasSize(1);
			assertThat(model.path("model").asString()).isEqualTo("toolgate-sim");
			assertThat(model.path("calls").asLong()).isEqualTo(admitted);
			assertThat(model.path("cost").decimalValue()).isEqualByComparingTo(BigDecimal.valueOf(spent, 6));
			prompt = day.path("prompt_tokens").asLong();
			completion = day.path("completion_tokens").asLong();
			assertThat((prompt + completion) * MICROS_PER_TOKEN).isEqualTo(spent);
		}
		JsonNode onlyMonth = ErrorReply
			.of(replicas().get(0).client(GatewayApp.ACME_KEY).get().uri("/v1/usage?period=month"))
			.json()
			.path("periods");
		assertThat(onlyMonth).hasSize(1);
		assertThat(onlyMonth.get(0).path("period").asString()).isEqualTo("month");
		// Every replica refuses now, and another tenant is not held back.
		for (GatewayApp replica : replicas()) {
			assertThat(chat(replica, GatewayApp.ACME_KEY).status()).isEqualTo(429);
			assertThat(chat(replica, GatewayApp.GLOBEX_KEY).status()).isEqualTo(200);
		}
	}

	private static ErrorReply chat(GatewayApp replica, String key) {
		WebClient client = replica.client(key);
		return ErrorReply.of(client.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"messages\":[{\"role\":\"user\",\"content\":\"Say something short about budgets.\"}],"
					+ "\"max_tokens\":40}"));
	}

	@Test
	void usageOfATenantWithoutBudgetsNamesNoBudget() {
		JsonNode usage = ErrorReply
			.of(replicas().get(0).client(GatewayApp.GLOBEX_KEY).get().uri("/v1/usage?period=day"))
			.json();
		assertThat(usage.path("tenant").asString()).isEqualTo("globex");
		JsonNode day = usage.path("periods").get(0);
		assertThat(day.path("budget").isNull()).isTrue();
		assertThat(day.path("spent").decimalValue()).isNotNull();
		assertThat(day.path("models").isArray()).isTrue();
	}

	@Test
	void badPeriodIs400() {
		ErrorReply.of(replicas().get(0).client(GatewayApp.ACME_KEY).get().uri("/v1/usage?period=week"))
			.assertError(400, "invalid_request_error", "invalid_field")
			.assertNames("period");
	}

	@Test
	void usageNeedsAKey() {
		assertThat(ErrorReply.of(replicas().get(0).anonymousClient().get().uri("/v1/usage")).status()).isEqualTo(401);
	}

}
