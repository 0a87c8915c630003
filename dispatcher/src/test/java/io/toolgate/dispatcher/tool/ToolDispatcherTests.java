package io.toolgate.dispatcher.tool;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.dispatcher.tool.support.WorkerTools;
import io.toolgate.test.FreePorts;
import io.toolgate.test.ToolWorker;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static io.toolgate.dispatcher.tool.support.WorkerTools.call;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ToolDispatcher} against real HTTP tool workers; calls in parallel are
 * {@link ToolFanOutTests}' subject.
 */
class ToolDispatcherTests {

	private static final Duration VERIFY = Duration.ofSeconds(15);

	@RegisterExtension
	private final WorkerTools tools = WorkerTools.start(5, DataSize.ofKilobytes(1));

	private final ToolWorker worker = this.tools.worker();

	@Test
	void timesOutSlowToolAndRetriesTheTimeout() {
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("slow", this.worker.uri("/delay?ms=10000"), Duration.ofMillis(200), 2, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "slow", "{}"))).assertNext(result -> {
			assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
			assertThat(result.error().type()).isEqualTo("timeout");
			assertThat(result.error().retryable()).isTrue();
			assertThat(result.attempts()).isEqualTo(2);
		}).expectComplete().verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(2);
	}

	@Test
	void retriesServiceUnavailableUntilSuccess() {
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("flaky", this.worker.uri("/flaky?failures=2"), Duration.ofSeconds(5), 3, 4));
		StepVerifier
			.create(dispatcher.dispatch(new ToolInvocation("c1", "flaky", "{\"text\":\"hi\"}", "acme", "key-1")))
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
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("strict", this.worker.uri("/status?code=400"), Duration.ofSeconds(5), 3, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "strict", "{}"))).assertNext(result -> {
			assertThat(result.error().type()).isEqualTo("tool_error");
			assertThat(result.error().retryable()).isFalse();
			assertThat(result.error().message()).contains("400");
			assertThat(result.attempts()).isEqualTo(1);
		}).expectComplete().verify(VERIFY);
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void reportsUnknownTool() {
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "nope", "{}"))).assertNext(result -> {
			assertThat(result.toolName()).isEqualTo("nope");
			assertThat(result.error().type()).isEqualTo("unknown_tool");
			assertThat(result.error().message()).contains("'nope'");
			assertThat(result.attempts()).isZero();
		}).expectComplete().verify(VERIFY);
	}

	@Test
	void sendsCallIdTenantAndIdempotencyKeyToTheWorker() {
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		StepVerifier
			.create(dispatcher.dispatch(new ToolInvocation("call_42", "echo", "{\"text\":\"x\"}", "acme", "idem-7")))
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
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("echo", this.worker.uri("/echo"), Duration.ofSeconds(5), 1, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "echo", "{}")))
			.expectNextCount(1)
			.expectComplete()
			.verify(VERIFY);
		assertThat(this.worker.headers().get(0)).doesNotContainKey("idempotency-key");
	}

	@Test
	void capsOutputSize() {
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("big", this.worker.uri("/big?bytes=4096"), Duration.ofSeconds(5), 3, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "big", "{}"))).assertNext(result -> {
			assertThat(result.error().type()).isEqualTo("output_too_large");
			assertThat(result.attempts()).isEqualTo(1);
		}).expectComplete().verify(VERIFY);
	}

	@Test
	void treatsNonJsonOutputAsWorkerError() {
		ToolDispatcher dispatcher = dispatcher(
				TestTools.http("text", this.worker.uri("/text"), Duration.ofSeconds(5), 3, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "text", "{}"))).assertNext(result -> {
			assertThat(result.error().type()).isEqualTo("worker_error");
			assertThat(result.error().message())
				.isEqualTo("Tool worker answered with Content-Type text/plain; a tool result must be JSON");
			assertThat(result.attempts()).isEqualTo(1);
		}).expectComplete().verify(VERIFY);
	}

	@Test
	void retriesUnreachableWorker() throws IOException {
		int closedPort = FreePorts.free();
		ToolDispatcher dispatcher = dispatcher(TestTools.http("gone",
				URI.create("http://127.0.0.1:" + closedPort + "/x"), Duration.ofSeconds(5), 2, 4));
		StepVerifier.create(dispatcher.dispatch(call("c1", "gone", "{}"))).assertNext(result -> {
			assertThat(result.error().type()).isEqualTo("worker_error");
			assertThat(result.error().retryable()).isTrue();
			assertThat(result.error().message()).doesNotContain(Integer.toString(closedPort));
			assertThat(result.attempts()).isEqualTo(2);
		}).expectComplete().verify(VERIFY);
	}

	@Test
	void reportsEachCallAndEachRetryToItsObserver() {
		List<String> seen = new CopyOnWriteArrayList<>();
		ToolCallObserver observer = new ToolCallObserver() {

			@Override
			public <T> Mono<T> span(String tool, @Nullable String callId, Mono<T> call) {
				seen.add("span " + tool + " " + callId);
				return call;
			}

			@Override
			public void completed(String tool, String outcome, String tenant, long durationNanos) {
				seen.add("completed " + tool + " " + outcome + " " + tenant);
			}

			@Override
			public void retried(String tool) {
				seen.add("retried " + tool);
			}

		};
		ToolDispatcher dispatcher = new ToolDispatcher(
				this.tools.registry(
						TestTools.http("flaky", this.worker.uri("/flaky?failures=2"), Duration.ofSeconds(5), 3, 4)),
				Duration.ofSeconds(1), observer);
		StepVerifier
			.create(dispatcher.dispatch(call("c1", "flaky", "{}")).then(dispatcher.dispatch(call("c2", "nope", "{}"))))
			.assertNext(result -> assertThat(result.error().type()).isEqualTo("unknown_tool"))
			.expectComplete()
			.verify(VERIFY);
		assertThat(seen).hasSize(6);
		assertThat(seen.subList(0, 4)).containsExactly("span flaky c1", "retried flaky", "retried flaky",
				"completed flaky ok acme");
		// A call refused before it runs has its result before its span is opened; both
		// are reported.
		assertThat(seen.subList(4, 6)).containsExactlyInAnyOrder("span unknown c2",
				"completed unknown unknown_tool acme");
	}

	private ToolDispatcher dispatcher(ToolSpec... specs) {
		return WorkerTools.dispatcher(this.tools.registry(specs), Duration.ofSeconds(1));
	}

}
