package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.metrics.ToolCircuitBreakerMetrics;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.tool.support.TestTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

import static io.toolgate.dispatcher.tool.support.WorkerTools.call;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link ToolDispatcher} with a tool's {@link ToolCircuitBreaker}: an executor that fails
 * is cut off once the failure rate reaches the threshold, sees no calls while the breaker
 * is open, and gets the tool back through half-open trial calls.
 */
@Timeout(30)
class ToolCircuitBreakerTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private static final Duration WAIT_IN_OPEN = Duration.ofMillis(200);

	private static final JsonNode OK = TestTools.JSON.readTree("{\"ok\":true}");

	private final AtomicInteger calls = new AtomicInteger();

	private final AtomicBoolean healthy = new AtomicBoolean();

	/** Fails with a worker error until it is made healthy. */
	private final ToolExecutor failing = (execution) -> Mono.defer(() -> {
		this.calls.incrementAndGet();
		return this.healthy.get() ? Mono.just(OK) : Mono.error(ToolExecutionException.workerError("worker down"));
	});

	@Test
	void cutsOffAFailingToolAndRecoversThroughHalfOpen() {
		ToolRegistry registry = registry(this.failing, 1, policy(true, Duration.ofSeconds(5)));
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		new ToolCircuitBreakerMetrics(registry).bindTo(meters);
		ToolDispatcher dispatcher = dispatcher(registry);
		ToolCircuitBreaker breaker = registry.find("flaky").orElseThrow().circuitBreaker();
		for (int i = 0; i < 4; i++) {
			assertThat(dispatch(dispatcher).error().type()).isEqualTo(ToolExecutionException.WORKER_ERROR);
		}
		assertThat(breaker.state()).isEqualTo("open");
		for (int i = 0; i < 5; i++) {
			ToolResult refused = dispatch(dispatcher);
			assertThat(refused.error().type()).isEqualTo(ToolExecutionException.CIRCUIT_OPEN);
			assertThat(refused.error().retryable()).isTrue();
			assertThat(refused.error().message())
				.matches("Tool 'flaky' is failing: its circuit is open; retry in [0-9]+s");
		}
		assertThat(this.calls).as("the executor sees no call while the breaker is open").hasValue(4);
		assertThat(gauge(meters, "open")).isEqualTo(1);
		assertThat(gauge(meters, "closed")).isZero();

		this.healthy.set(true);
		// Calls before the wait ends are refused without reaching the executor; the first
		// one after it is the first half-open trial.
		await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> dispatch(dispatcher).isOk());
		assertThat(breaker.state()).isEqualTo("half_open");
		assertThat(dispatch(dispatcher).isOk()).isTrue();
		assertThat(breaker.state()).isEqualTo("closed");
		assertThat(this.calls).as("two half-open trials, both reaching the executor").hasValue(6);
		assertThat(gauge(meters, "closed")).isEqualTo(1);
		assertThat(transitions(meters, "closed", "open")).isEqualTo(1);
		assertThat(transitions(meters, "open", "half_open")).isEqualTo(1);
		assertThat(transitions(meters, "half_open", "closed")).isEqualTo(1);
		assertThat(transitions(meters, "half_open", "open")).isZero();
	}

	@Test
	void failedTrialReopensTheBreaker() {
		ToolRegistry registry = registry(this.failing, 1, policy(true, Duration.ofSeconds(5)));
		ToolDispatcher dispatcher = dispatcher(registry);
		ToolCircuitBreaker breaker = registry.find("flaky").orElseThrow().circuitBreaker();
		for (int i = 0; i < 4; i++) {
			dispatch(dispatcher);
		}
		await().atMost(WAIT)
			.pollInterval(Duration.ofMillis(20))
			.until(() -> ToolExecutionException.WORKER_ERROR.equals(dispatch(dispatcher).error().type()));
		// The second trial fails too: both trials failed, so the breaker opens again.
		dispatch(dispatcher);
		assertThat(breaker.state()).isEqualTo("open");
		assertThat(this.calls).hasValue(6);
		assertThat(dispatch(dispatcher).error().type()).isEqualTo(ToolExecutionException.CIRCUIT_OPEN);
		assertThat(this.calls).hasValue(6);
	}

	@Test
	void retriesStopAtAnOpenCircuit() {
		ToolDispatcher dispatcher = dispatcher(registry(this.failing, 3,
				new ToolCircuitBreakerPolicy(true, 50, 100, Duration.ofSeconds(5), 2, 2, Duration.ofSeconds(30), 1)));
		ToolResult result = dispatch(dispatcher);
		assertThat(result.error().type()).isEqualTo(ToolExecutionException.CIRCUIT_OPEN);
		assertThat(result.error().retryable()).isTrue();
		assertThat(result.error().message()).endsWith("retry in 30s");
		assertThat(result.attempts()).isEqualTo(3);
		assertThat(this.calls).as("the third attempt found the breaker open").hasValue(2);
		assertThat(dispatch(dispatcher).attempts()).as("an open circuit is not retried here").isEqualTo(1);
		assertThat(this.calls).hasValue(2);
	}

	@Test
	void toolErrorsDoNotOpenTheBreaker() {
		ToolExecutor refusing = (execution) -> Mono.defer(() -> {
			this.calls.incrementAndGet();
			return Mono.error(ToolExecutionException.toolError("bad city"));
		});
		ToolRegistry registry = registry(refusing, 1, policy(true, Duration.ofSeconds(5)));
		ToolDispatcher dispatcher = dispatcher(registry);
		for (int i = 0; i < 10; i++) {
			assertThat(dispatch(dispatcher).error().type()).isEqualTo(ToolExecutionException.TOOL_ERROR);
		}
		assertThat(this.calls).hasValue(10);
		assertThat(registry.find("flaky").orElseThrow().circuitBreaker().state()).isEqualTo("closed");
	}

	@Test
	void opensOnSlowCalls() {
		ToolExecutor slow = (execution) -> Mono.defer(() -> {
			this.calls.incrementAndGet();
			return Mono.just(OK).delayElement(Duration.ofMillis(60));
		});
		ToolDispatcher dispatcher = dispatcher(registry(slow, 1, policy(true, Duration.ofMillis(20))));
		for (int i = 0; i < 4; i++) {
			assertThat(dispatch(dispatcher).isOk()).isTrue();
		}
		assertThat(dispatch(dispatcher).error().type()).isEqualTo(ToolExecutionException.CIRCUIT_OPEN);
		assertThat(this.calls).hasValue(4);
	}

	@Test
	void disabledBreakerLetsEveryCallThrough() {
		ToolRegistry registry = registry(this.failing, 1, policy(false, Duration.ofSeconds(5)));
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		new ToolCircuitBreakerMetrics(registry).bindTo(meters);
		ToolDispatcher dispatcher = dispatcher(registry);
		for (int i = 0; i < 10; i++) {
			assertThat(dispatch(dispatcher).error().type()).isEqualTo(ToolExecutionException.WORKER_ERROR);
		}
		assertThat(this.calls).hasValue(10);
		assertThat(registry.find("flaky").orElseThrow().circuitBreaker().enabled()).isFalse();
		assertThat(meters.find("toolgate.tool.circuit.state").meters()).isEmpty();
	}

	/**
	 * A window of 4 attempts, all needed, opening at 50% failures or 100% slow calls,
	 * open for 200 ms, then 2 trial calls.
	 */
	private static ToolCircuitBreakerPolicy policy(boolean enabled, Duration slowCallDuration) {
		return new ToolCircuitBreakerPolicy(enabled, 50, 100, slowCallDuration, 4, 4, WAIT_IN_OPEN, 2);
	}

	private static ToolRegistry registry(ToolExecutor executor, int maxAttempts, ToolCircuitBreakerPolicy policy) {
		ToolSpec spec = new ToolSpec("flaky", "Test tool flaky", TestTools.TEXT_SCHEMA,
				new ExecutorSpec.Builtin("flaky"), Duration.ofSeconds(5),
				new ToolRetryPolicy(maxAttempts, Duration.ofMillis(1), Duration.ofMillis(10), 0.5), 4, RiskTier.LOW,
				policy);
		return ToolRegistry.of(List.of(spec), (executorSpec) -> executor, 4, TestTools.JSON);
	}

	private static ToolDispatcher dispatcher(ToolRegistry registry) {
		return new ToolDispatcher(registry, Duration.ofSeconds(1), ToolgateMetrics.noop().tools());
	}

	private static ToolResult dispatch(ToolDispatcher dispatcher) {
		return dispatcher.dispatch(call("c1", "flaky", "{}")).block(WAIT);
	}

	private static double gauge(SimpleMeterRegistry meters, String state) {
		return meters.get("toolgate.tool.circuit.state").tags("tool", "flaky", "state", state).gauge().value();
	}

	private static double transitions(SimpleMeterRegistry meters, String from, String to) {
		return meters.get("toolgate.tool.circuit.transitions")
			.tags("tool", "flaky", "from", from, "to", to)
			.counter()
			.count();
	}

}
