package io.toolgate.dispatcher.tool.builtin;

import java.time.Duration;
import java.time.ZonedDateTime;

import io.toolgate.dispatcher.tool.ExecutorSpec;
import io.toolgate.dispatcher.tool.RiskTier;
import io.toolgate.dispatcher.tool.ToolExecution;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.dispatcher.tool.ToolRetryPolicy;
import io.toolgate.dispatcher.tool.ToolSpec;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** The demo built-in tools through {@link BuiltinToolExecutor}. */
class BuiltinToolsTests {

	private static final Duration VERIFY = Duration.ofSeconds(5);

	private static final JsonMapper JSON = JsonMapper.shared();

	private final BuiltinToolExecutor executor = BuiltinToolExecutor.withDemoTools(JSON);

	@Test
	void namesTheDemoTools() {
		assertThat(this.executor.names()).containsExactlyInAnyOrder("clock", "calculator", "lookup", "slow_echo",
				"weather", "send_email");
	}

	@Test
	void refusesDuplicateNames() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new BuiltinToolExecutor(java.util.List.of(new LookupTool(JSON), new LookupTool(JSON))));
	}

	@Test
	void tellsTheTimeInAZone() {
		StepVerifier.create(run("clock", "{\"timezone\":\"Asia/Tokyo\"}")).assertNext(output -> {
			assertThat(output.path("timezone").asString()).isEqualTo("Asia/Tokyo");
			assertThat(ZonedDateTime.parse(output.path("datetime").asString()).getOffset().getTotalSeconds())
				.isEqualTo(9 * 3600);
		}).expectComplete().verify(VERIFY);
	}

	@Test
	void failsForAnUnknownZone() {
		StepVerifier.create(run("clock", "{\"timezone\":\"Mars/Olympus\"}"))
			.expectErrorSatisfies(ex -> assertToolError(ex, "Unknown time zone 'Mars/Olympus'"))
			.verify(VERIFY);
	}

	@Test
	void calculates() {
		assertThat(run("calculator", "{\"a\":2,\"b\":3,\"op\":\"add\"}").block(VERIFY).path("result").asInt())
			.isEqualTo(5);
		assertThat(run("calculator", "{\"a\":2,\"b\":3,\"op\":\"subtract\"}").block(VERIFY).path("result").asInt())
			.isEqualTo(-1);
		assertThat(run("calculator", "{\"a\":2.5,\"b\":4,\"op\":\"multiply\"}").block(VERIFY).path("result").asInt())
			.isEqualTo(10);
		assertThat(run("calculator", "{\"a\":1,\"b\":4,\"op\":\"divide\"}").block(VERIFY).path("result").asDouble())
			.isEqualTo(0.25);
	}

	@Test
	void refusesDivisionByZero() {
		StepVerifier.create(run("calculator", "{\"a\":1,\"b\":0,\"op\":\"divide\"}"))
			.expectErrorSatisfies(ex -> assertToolError(ex, "Division by zero"))
			.verify(VERIFY);
	}

	@Test
	void looksUpKnownAndUnknownKeys() {
		JsonNode known = run("lookup", "{\"key\":\"Redis\"}").block(VERIFY);
		assertThat(known.path("found").asBoolean()).isTrue();
		assertThat(known.path("fact").asString()).contains("in-memory");
		JsonNode unknown = run("lookup", "{\"key\":\"unicorns\"}").block(VERIFY);
		assertThat(unknown.path("found").asBoolean()).isFalse();
		assertThat(unknown).isEqualTo(run("lookup", "{\"key\":\"unicorns\"}").block(VERIFY));
	}

	@Test
	void givesTheSameWeatherForTheSameCity() {
		JsonNode paris = run("weather", "{\"city\":\"Paris\"}").block(VERIFY);
		assertThat(paris.path("city").asString()).isEqualTo("Paris");
		assertThat(paris.path("condition").asString()).isNotBlank();
		JsonNode lowerCase = run("weather", "{\"city\":\"paris\"}").block(VERIFY);
		assertThat(lowerCase.path("condition")).isEqualTo(paris.path("condition"));
		assertThat(lowerCase.path("temperature_c")).isEqualTo(paris.path("temperature_c"));
	}

	@Test
	void echoesAfterTheDelay() {
		StepVerifier.withVirtualTime(() -> run("slow_echo", "{\"ms\":30000,\"text\":\"hello\"}"))
			.expectSubscription()
			.expectNoEvent(Duration.ofSeconds(29))
			.thenAwait(Duration.ofSeconds(1))
			.assertNext(output -> assertThat(output.path("text").asString()).isEqualTo("hello"))
			.expectComplete()
			.verify(VERIFY);
	}

	private Mono<JsonNode> run(String builtin, String arguments) {
		ToolSpec spec = new ToolSpec(builtin, "d", JSON.readTree("{\"type\":\"object\"}"),
				new ExecutorSpec.Builtin(builtin), Duration.ofSeconds(1), ToolRetryPolicy.ofDefaults(), 1,
				RiskTier.LOW);
		return this.executor.execute(new ToolExecution(spec, JSON.readTree(arguments), "c1", "acme", null, 1));
	}

	private static void assertToolError(Throwable ex, String message) {
		assertThat(ex).isInstanceOfSatisfying(ToolExecutionException.class, failure -> {
			assertThat(failure.errorType()).isEqualTo("tool_error");
			assertThat(failure.isRetryable()).isFalse();
			assertThat(failure.getMessage()).isEqualTo(message);
		});
	}

}
