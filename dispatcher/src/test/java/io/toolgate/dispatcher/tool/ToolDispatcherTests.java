package io.toolgate.dispatcher.tool;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.tool.builtin.BuiltinToolExecutor;
import io.toolgate.dispatcher.tool.registry.ToolRegistryLoader;
import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.dispatcher.tool.support.ToolWorker;
import io.toolgate.streaming.TurnEvent.ToolResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.io.ApplicationResourceLoader;
import org.springframework.util.unit.DataSize;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ToolDispatcher} against real HTTP tool workers and the built-ins. */
class ToolDispatcherTests {

	private static final Duration VERIFY = Duration.ofSeconds(15);

	private ToolWorker worker;

	private HttpToolExecutor http;

	@BeforeEach
	void startWorker() {
		this.worker = ToolWorker.start(5);
		this.http = new HttpToolExecutor(TestTools.JSON, Duration.ofSeconds(2), 50, DataSize.ofKilobytes(1));
	}

	@AfterEach
	void stopWorker() {
		this.http.dispose();
		this.worker.close();
	}

	@Test
	void runsFiveSlowCallsAtTheSameTime() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("slow", this.worker.uri("/barrier"), Duration.ofSeconds(10), 1, 16));
		List<ToolInvocation> calls = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			calls.add(call("c" + i, "slow", "{}"));
		}
		StepVerifier.create(dispatcher.dispatchAll(calls, 8).map(ToolResult::status).collectList())
			.assertNext(statuses -> assertThat(statuses).containsOnly("ok").hasSize(5))
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.maxInFlight()).isEqualTo(5);
	}

	@Test
	void timesOutSlowToolAndRetriesTheTimeout() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("slow", this.worker.uri("/delay?ms=10000"), Duration.ofMillis(200), 2, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "slow", "{}")))
			.assertNext(result -> {
				assertThat(result.status()).isEqualTo("error");
				assertThat(result.error().type()).isEqualTo("timeout");
				assertThat(result.error().retryable()).isTrue();
				assertThat(result.attempts()).isEqualTo(2);
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(2);
	}

	@Test
	void retriesServiceUnavailableUntilSuccess() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("flaky", this.worker.uri("/flaky?failures=2"), Duration.ofSeconds(5), 3, 4));
		StepVerifier.create(dispatcher.dispatch(new ToolInvocation("c1", "flaky", "{\"text\":\"hi\"}", "acme", "key-1")))
			.assertNext(result -> {
				assertThat(result.isOk()).isTrue();
				assertThat(result.attempts()).isEqualTo(3);
				assertThat(result.output().path("echo").path("text").asString()).isEqualTo("hi");
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(3);
		assertThat(this.worker.headers()).extracting(h -> h.get("x-toolgate-attempt")).containsExactly("1", "2", "3");
		assertThat(this.worker.headers()).extracting(h -> h.get("idempotency-key")).containsOnly("key-1");
	}

	@Test
	void doesNotRetryClientError() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("strict", this.worker.uri("/status?code=400"), Duration.ofSeconds(5), 3, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "strict", "{}")))
			.assertNext(result -> {
				assertThat(result.error().type()).isEqualTo("tool_error");
				assertThat(result.error().retryable()).isFalse();
				assertThat(result.error().message()).contains("400");
				assertThat(result.attempts()).isEqualTo(1);
			})
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void keepsCallOrderWhenOneCallFails() {
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("slow_ok", this.worker.uri("/delay?ms=100"), Duration.ofSeconds(5), 1, 4),
				TestTools.http("broken", this.worker.uri("/status?code=500"), Duration.ofSeconds(5), 1, 4),
				TestTools.http("fast_ok", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		List<ToolInvocation> calls = List.of(call("a", "slow_ok", "{}"), call("b", "broken", "{}"),
				call("c", "fast_ok", "{}"));
		StepVerifier.create(dispatcher.dispatchAll(calls, 3))
			.assertNext(result -> assertThat(result.callId() + ":" + result.status()).isEqualTo("a:ok"))
			.assertNext(result -> {
				assertThat(result.callId() + ":" + result.status()).isEqualTo("b:error");
				assertThat(result.error().type()).isEqualTo("worker_error");
				assertThat(result.error().retryable()).isTrue();
			})
			.assertNext(result -> assertThat(result.callId() + ":" + result.status()).isEqualTo("c:ok"))
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void boundsInFlightCallsByMaxConcurrency() {
		ToolDispatcher dispatcher = new ToolDispatcher(
				registry(TestTools.http("narrow", this.worker.uri("/delay?ms=50"), Duration.ofSeconds(5), 1, 2)),
				Duration.ofSeconds(10), new SimpleMeterRegistry());
		List<ToolInvocation> calls = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			calls.add(call("c" + i, "narrow", "{}"));
		}
		StepVerifier.create(dispatcher.dispatchAll(calls, 6).map(ToolResult::status).collectList())
			.assertNext(statuses -> assertThat(statuses).containsOnly("ok").hasSize(6))
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(6);
		assertThat(this.worker.maxInFlight()).isBetween(1, 2);
	}

	@Test
	void rejectsInvalidArgumentsWithoutCallingTheWorker() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 3, 4));
		StepVerifier.create(dispatcher.dispatchAll(List.of(call("c1", "echo", "{\"text\": 5}"),
				call("c2", "echo", "{not json"), call("c3", "echo", "[1]")), 3))
			.assertNext(result -> {
				assertThat(result.error().type()).isEqualTo("invalid_arguments");
				assertThat(result.error().message()).contains("arguments/text").contains("string");
				assertThat(result.error().retryable()).isFalse();
				assertThat(result.attempts()).isZero();
			})
			.assertNext(result -> assertThat(result.error().message()).contains("not valid JSON"))
			.assertNext(result -> assertThat(result.error().message()).contains("must be a JSON object"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.requests()).isZero();
	}

	@Test
	void reportsUnknownTool() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "nope", "{}")))
			.assertNext(result -> {
				assertThat(result.name()).isEqualTo("nope");
				assertThat(result.error().type()).isEqualTo("unknown_tool");
				assertThat(result.error().message()).contains("'nope'");
				assertThat(result.attempts()).isZero();
			})
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void sendsCallIdTenantAndIdempotencyKeyToTheWorker() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		StepVerifier.create(dispatcher.dispatch(new ToolInvocation("call_42", "echo", "{\"text\":\"x\"}", "acme", "idem-7")))
			.assertNext(result -> assertThat(result.output().path("echo").path("text").asString()).isEqualTo("x"))
			.expectComplete()
			.verify(VERIFY);
		Map<String, String> headers = this.worker.headers().get(0);
		assertThat(headers).containsEntry("x-toolgate-call-id", "call_42")
			.containsEntry("x-toolgate-tenant", "acme")
			.containsEntry("idempotency-key", "idem-7")
			.containsEntry("content-type", "application/json");
	}

	@Test
	void omitsIdempotencyKeyWhenAbsent() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "echo", "{}"))).expectNextCount(1).expectComplete().verify(VERIFY);
		assertThat(this.worker.headers().get(0)).doesNotContainKey("idempotency-key");
	}

	@Test
	void capsOutputSize() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("big", this.worker.uri("/big?bytes=4096"), Duration.ofSeconds(5), 3, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "big", "{}")))
			.assertNext(result -> {
				assertThat(result.error().type()).isEqualTo("output_too_large");
				assertThat(result.attempts()).isEqualTo(1);
			})
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void treatsNonJsonOutputAsWorkerError() {
		ToolDispatcher dispatcher = dispatcher(TestTools.http("text", this.worker.uri("/text"), Duration.ofSeconds(5), 3, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "text", "{}")))
			.assertNext(result -> {
				assertThat(result.error().type()).isEqualTo("worker_error");
				assertThat(result.error().message()).contains("not JSON");
				assertThat(result.attempts()).isEqualTo(1);
			})
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void retriesUnreachableWorker() throws IOException {
		int closedPort;
		try (ServerSocket socket = new ServerSocket(0)) {
			closedPort = socket.getLocalPort();
		}
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("gone", URI.create("http://127.0.0.1:" + closedPort + "/x"), Duration.ofSeconds(5), 2, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "gone", "{}")))
			.assertNext(result -> {
				assertThat(result.error().type()).isEqualTo("worker_error");
				assertThat(result.error().retryable()).isTrue();
				assertThat(result.error().message()).doesNotContain(Integer.toString(closedPort));
				assertThat(result.attempts()).isEqualTo(2);
			})
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void runsBuiltinTools() {
		BuiltinToolExecutor builtins = BuiltinToolExecutor.withDemoTools(TestTools.JSON);
		ToolRegistry registry = ToolRegistry.of(
				new ToolRegistryLoader(TestTools.JSON, builtins.names(), ApplicationResourceLoader.get()).load(null),
				spec -> builtins, 16, TestTools.JSON);
		ToolDispatcher dispatcher = new ToolDispatcher(registry, Duration.ofSeconds(1), new SimpleMeterRegistry());
		StepVerifier.create(dispatcher.dispatchAll(List.of(call("a", "calculator", "{\"a\":6,\"b\":7,\"op\":\"multiply\"}"),
				call("b", "calculator", "{\"a\":1,\"b\":0,\"op\":\"divide\"}")), 2))
			.assertNext(result -> assertThat(result.output().path("result").asInt()).isEqualTo(42))
			.assertNext(result -> {
				assertThat(result.error().type()).isEqualTo("tool_error");
				assertThat(result.error().retryable()).isFalse();
				assertThat(result.attempts()).isEqualTo(1);
			})
			.expectComplete()
			.verify(VERIFY);
	}

	private ToolDispatcher dispatcher(ToolSpec... specs) {
		return new ToolDispatcher(registry(specs), Duration.ofSeconds(1), new SimpleMeterRegistry());
	}

	private ToolRegistry registry(ToolSpec... specs) {
		return ToolRegistry.of(List.of(specs), spec -> this.http, 64, TestTools.JSON);
	}

	private static ToolInvocation call(String callId, String tool, String arguments) {
		return new ToolInvocation(callId, tool, arguments, "acme", null);
	}

}
