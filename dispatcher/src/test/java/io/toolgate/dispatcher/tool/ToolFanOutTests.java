package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.toolgate.dispatcher.tool.builtin.BuiltinToolExecutor;
import io.toolgate.dispatcher.tool.registry.ToolRegistryLoader;
import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.dispatcher.tool.support.WorkerTools;
import io.toolgate.store.memory.InMemoryIdempotencyStore;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static io.toolgate.dispatcher.tool.support.WorkerTools.call;
import static io.toolgate.dispatcher.tool.support.WorkerTools.keyed;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ToolFanOut}: the calls of one model message in parallel, bounded, each at most
 * once per idempotency key, against real HTTP tool workers and the built-ins.
 */
class ToolFanOutTests {

	private static final Duration VERIFY = Duration.ofSeconds(15);

	private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();

	@RegisterExtension
	private final WorkerTools tools = WorkerTools.start(5, DataSize.ofKilobytes(1));

	private final ToolWorker worker = this.tools.worker();

	@Test
	void runsFiveSlowCallsAtTheSameTime() {
		ToolFanOut fanOut = fanOut(8,
				TestTools.http("slow", this.worker.uri("/barrier"), Duration.ofSeconds(10), 1, 16));
		assertAllOk(fanOut, calls("slow", 5));
		assertThat(this.worker.maxInFlight()).isEqualTo(5);
	}

	@Test
	void boundsCallsInFlightByMaxParallel() {
		ToolFanOut fanOut = fanOut(2,
				TestTools.http("wide", this.worker.uri("/delay?ms=50"), Duration.ofSeconds(5), 1, 16));
		assertAllOk(fanOut, calls("wide", 6));
		assertThat(this.worker.requests()).isEqualTo(6);
		assertThat(this.worker.maxInFlight()).isBetween(1, 2);
	}

	@Test
	void emitsEachResultAsItCompletesWhenOneCallFails() {
		ToolFanOut fanOut = fanOut(3,
				TestTools.http("slow_ok", this.worker.uri("/delay?ms=300"), Duration.ofSeconds(5), 1, 4),
				TestTools.http("broken", this.worker.uri("/status?code=500"), Duration.ofSeconds(5), 1, 4),
				TestTools.http("fast_ok", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		List<ToolInvocation> calls = List.of(call("a", "slow_ok", "{}"), call("b", "broken", "{}"),
				call("c", "fast_ok", "{}"));
		StepVerifier.create(fanOut.dispatchAll(calls, "scope").collectList()).assertNext(results -> {
			// The slow first call is emitted last: the others do not wait for it.
			assertThat(results).extracting(result -> result.callId() + ":" + result.status().wireName())
				.containsExactlyInAnyOrder("a:ok", "b:error", "c:ok")
				.last()
				.isEqualTo("a:ok");
			ToolResult broken = byCallId(results).get("b");
			assertThat(broken.error().type()).isEqualTo("worker_error");
			assertThat(broken.error().retryable()).isTrue();
		}).expectComplete().verify(VERIFY);
	}

	@Test
	void boundsInFlightCallsByMaxConcurrency() {
		ToolFanOut fanOut = new ToolFanOut(idempotent(
				registry(TestTools.http("narrow", this.worker.uri("/delay?ms=50"), Duration.ofSeconds(5), 1, 2)),
				Duration.ofSeconds(10)), 6);
		assertAllOk(fanOut, calls("narrow", 6));
		assertThat(this.worker.requests()).isEqualTo(6);
		assertThat(this.worker.maxInFlight()).isBetween(1, 2);
	}

	@Test
	void rejectsInvalidArgumentsWithoutCallingTheWorker() {
		ToolFanOut fanOut = fanOut(3, TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 3, 4));
		StepVerifier
			.create(fanOut.dispatchAll(List.of(call("c1", "echo", "{\"text\": 5}"), call("c2", "echo", "{not json"),
					call("c3", "echo", "[1]")), "scope")
				.collectList())
			.assertNext(results -> {
				Map<String, ToolResult> byCallId = byCallId(results);
				assertThat(byCallId).containsOnlyKeys("c1", "c2", "c3");
				ToolResult first = byCallId.get("c1");
				assertThat(first.error().type()).isEqualTo("invalid_arguments");
				assertThat(first.error().message()).contains("arguments/text").contains("string");
				assertThat(first.error().retryable()).isFalse();
				assertThat(first.attempts()).isZero();
				assertThat(byCallId.get("c2").error().message()).contains("not valid JSON");
				assertThat(byCallId.get("c3").error().message()).contains("must be a JSON object");
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isZero();
	}

	@Test
	void runsBuiltinTools() {
		BuiltinToolExecutor builtins = BuiltinToolExecutor.withDemoTools(TestTools.JSON);
		ToolRegistry registry = ToolRegistry.of(
				new ToolRegistryLoader(TestTools.JSON, builtins.names(), ApplicationResourceLoader.get()).load(null),
				spec -> builtins, 16, TestTools.JSON);
		ToolFanOut fanOut = new ToolFanOut(idempotent(registry), 2);
		StepVerifier
			.create(fanOut.dispatchAll(List.of(call("a", "calculator", "{\"a\":6,\"b\":7,\"op\":\"multiply\"}"),
					call("b", "calculator", "{\"a\":1,\"b\":0,\"op\":\"divide\"}")), "scope")
				.collectList())
			.assertNext(results -> {
				Map<String, ToolResult> byCallId = byCallId(results);
				assertThat(byCallId.get("a").output().path("result").asInt()).isEqualTo(42);
				ToolResult divide = byCallId.get("b");
				assertThat(divide.error().type()).isEqualTo("tool_error");
				assertThat(divide.error().retryable()).isFalse();
				assertThat(divide.attempts()).isEqualTo(1);
			})
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void givesACallWhoseKeyRanWithOtherArgumentsAConflictResult() {
		ToolFanOut fanOut = fanOut(2, TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		// A model that gives two calls of one message the same id: both get the same key.
		List<ToolInvocation> calls = List.of(keyed("call_1", "echo", "{\"text\":\"a\"}", "k1"),
				keyed("call_1", "echo", "{\"text\":\"b\"}", "k1"));
		StepVerifier.create(fanOut.dispatchAll(calls, "scope").collectList()).assertNext(results -> {
			assertThat(results).hasSize(2).filteredOn(ToolResult::isOk).hasSize(1);
			ToolResult conflict = results.stream().filter(result -> !result.isOk()).findFirst().orElseThrow();
			assertThat(conflict.callId()).isEqualTo("call_1");
			assertThat(conflict.error().type()).isEqualTo(ToolFanOut.IDEMPOTENCY_CONFLICT);
			assertThat(conflict.error().message()).contains("'call_1'").contains("other arguments");
			assertThat(conflict.error().retryable()).isFalse();
			assertThat(conflict.attempts()).isZero();
		}).expectComplete().verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void givesACallWhoseKeyIsStillRunningAConflictResultAfterTheWait() {
		ToolRegistry registry = registry(
				TestTools.http("slow", this.worker.uri("/delay?ms=1500"), Duration.ofSeconds(5), 1, 4));
		IdempotentDispatch dispatch = WorkerTools.idempotent(registry, this.store, Duration.ofSeconds(1),
				Duration.ofMillis(200));
		ToolFanOut fanOut = new ToolFanOut(dispatch, 2);
		List<ToolInvocation> calls = List.of(keyed("call_1", "slow", "{}", "k1"), keyed("call_1", "slow", "{ }", "k1"));
		StepVerifier.create(fanOut.dispatchAll(calls, "scope")).assertNext(first -> {
			// The repeat gives up waiting long before the first call ends, and is emitted
			// first.
			assertThat(first.error().type()).isEqualTo(ToolFanOut.IDEMPOTENCY_CONFLICT);
			assertThat(first.error().message()).contains("still running");
			assertThat(first.attempts()).isZero();
		}).assertNext(second -> assertThat(second.isOk()).isTrue()).expectComplete().verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void skipsTheCallsOfATakenOverTurnWhoseResultsAreKnown() {
		ToolFanOut fanOut = fanOut(2, TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		List<ToolInvocation> calls = List.of(keyed("done", "echo", "{}", "k-done"),
				keyed("open", "echo", "{}", "k-open"));
		StepVerifier.create(fanOut.dispatchResumed(calls, "scope", Set.of("done"), Duration.ofMillis(200)))
			.assertNext(result -> {
				assertThat(result.callId()).isEqualTo("open");
				assertThat(result.isOk()).isTrue();
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void resumedCallLeftRunningElsewhereIsInterruptedAndNotRunAgain() {
		ToolRegistry registry = registry(
				TestTools.http("slow", this.worker.uri("/delay?ms=300"), Duration.ofSeconds(2), 1, 4));
		IdempotentDispatch dispatch = idempotent(registry);
		ToolInvocation call = keyed("call_1", "slow", "{\"text\":\"a\"}", "k");
		// The replica that ran the turn claimed the call, then died before storing its
		// result.
		this.store.claim("scope", "k", dispatch.fingerprint(call), Duration.ofMinutes(5)).block(Duration.ofSeconds(5));
		StepVerifier
			.create(new ToolFanOut(dispatch, 2).dispatchResumed(List.of(call), "scope", Set.of(),
					Duration.ofMillis(200)))
			.assertNext(result -> {
				assertThat(result.isOk()).isFalse();
				assertThat(result.error().type()).isEqualTo(ToolFanOut.INTERRUPTED);
				assertThat(result.attempts()).isZero();
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isZero();
	}

	@Test
	void resumedCallWhoseKeyRanWithOtherArgumentsIsInterrupted() {
		ToolFanOut fanOut = fanOut(2, TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		Flux<ToolResult> earlier = fanOut.dispatchAll(List.of(keyed("call_1", "echo", "{\"text\":\"a\"}", "k")),
				"scope");
		Flux<ToolResult> resumed = fanOut.dispatchResumed(List.of(keyed("call_1", "echo", "{\"text\":\"b\"}", "k")),
				"scope", Set.of(), Duration.ofMillis(200));
		StepVerifier.create(earlier.thenMany(resumed)).assertNext(result -> {
			assertThat(result.error().type()).isEqualTo(ToolFanOut.INTERRUPTED);
			assertThat(result.attempts()).isZero();
		}).expectComplete().verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	private static List<ToolInvocation> calls(String tool, int count) {
		List<ToolInvocation> calls = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			calls.add(call("c" + i, tool, "{}"));
		}
		return calls;
	}

	private static void assertAllOk(ToolFanOut fanOut, List<ToolInvocation> calls) {
		StepVerifier.create(fanOut.dispatchAll(calls, "scope").map(ToolResult::status).collectList())
			.assertNext(statuses -> assertThat(statuses).containsOnly(ToolResult.Status.OK).hasSize(calls.size()))
			.expectComplete()
			.verify(VERIFY);
	}

	private ToolFanOut fanOut(int maxParallel, ToolSpec... specs) {
		return new ToolFanOut(idempotent(registry(specs)), maxParallel);
	}

	private IdempotentDispatch idempotent(ToolRegistry registry) {
		return idempotent(registry, Duration.ofSeconds(1));
	}

	private IdempotentDispatch idempotent(ToolRegistry registry, Duration bulkheadMaxWait) {
		return WorkerTools.idempotent(registry, this.store, bulkheadMaxWait, Duration.ofSeconds(5));
	}

	private ToolRegistry registry(ToolSpec... specs) {
		return this.tools.registry(specs);
	}

	private static Map<String, ToolResult> byCallId(List<ToolResult> results) {
		Map<String, ToolResult> byCallId = new java.util.HashMap<>();
		results.forEach(result -> byCallId.put(result.callId(), result));
		return byCallId;
	}

}
