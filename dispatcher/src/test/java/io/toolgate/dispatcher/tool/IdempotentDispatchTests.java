package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.dispatcher.tool.support.ToolWorker;
import io.toolgate.store.memory.InMemoryIdempotencyStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** A tool call runs once per idempotency key, against a real HTTP tool worker. */
class IdempotentDispatchTests {

	private ToolWorker worker;

	private HttpToolExecutor http;

	private IdempotentDispatch dispatch;

	private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();

	@BeforeEach
	void setUp() {
		this.worker = ToolWorker.start(1);
		this.http = new HttpToolExecutor(TestTools.JSON, Duration.ofSeconds(2), 10, DataSize.ofKilobytes(64));
		ToolRegistry registry = ToolRegistry.of(
				List.of(TestTools.http("slow", this.worker.uri("/delay?ms=300"), Duration.ofSeconds(2), 1, 4)),
				executor -> this.http, 16, TestTools.JSON);
		this.dispatch = new IdempotentDispatch(new ToolDispatcher(registry, Duration.ofSeconds(1),
				new SimpleMeterRegistry()), this.store, Duration.ofMinutes(5),
				Duration.ofSeconds(5), TestTools.JSON);
	}

	@AfterEach
	void tearDown() {
		this.http.dispose();
		this.worker.close();
	}

	@Test
	void runsConcurrentRepeatsOfOneKeyOnce() {
		Mono<IdempotentDispatch.Outcome> first = this.dispatch.dispatch(call("k", "{\"text\":\"a\"}"), "scope");
		Mono<IdempotentDispatch.Outcome> second = this.dispatch.dispatch(call("k", "{ \"text\": \"a\" }"), "scope");
		StepVerifier.create(Mono.zip(first, second)).assertNext(both -> {
			assertThat(both.getT1().result().isOk()).isTrue();
			assertThat(both.getT2().result()).isEqualTo(both.getT1().result());
			assertThat(both.getT1().replayed() ^ both.getT2().replayed()).isTrue();
		}).verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void keepsKeysOfDifferentScopesApart() {
		StepVerifier.create(this.dispatch.dispatch(call("k", "{}"), "tenant-a")
			.then(this.dispatch.dispatch(call("k", "{}"), "tenant-b")))
			.assertNext(outcome -> assertThat(outcome.replayed()).isFalse())
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(2);
	}

	@Test
	void refusesAKeyReusedForOtherArguments() {
		StepVerifier.create(this.dispatch.dispatch(call("k", "{\"text\":\"a\"}"), "scope")
			.then(this.dispatch.dispatch(call("k", "{\"text\":\"b\"}"), "scope")))
			.expectErrorSatisfies(error -> assertThat(error).isInstanceOfSatisfying(ToolgateException.class,
					rejected -> assertThat(rejected.code()).isEqualTo("idempotency_key_reused")))
			.verify(Duration.ofSeconds(10));
	}

	@Test
	void resumedCallLeftRunningElsewhereIsInterruptedAndNotRunAgain() {
		ToolInvocation call = call("k", "{\"text\":\"a\"}");
		// The replica that ran the turn claimed the call, then died before storing its result.
		this.store.claim("scope", "k", this.dispatch.fingerprint(call), Duration.ofMinutes(5))
			.block(Duration.ofSeconds(5));
		StepVerifier.create(this.dispatch.dispatchResumed(call, "scope", Duration.ofMillis(200)))
			.assertNext(outcome -> {
				assertThat(outcome.result().isOk()).isFalse();
				assertThat(outcome.result().error().type()).isEqualTo(IdempotentDispatch.INTERRUPTED);
				assertThat(outcome.result().attempts()).isZero();
			})
			.verifyComplete();
		assertThat(this.worker.requests()).isZero();
	}

	@Test
	void resumedCallThatCompletedGetsItsStoredResult() {
		StepVerifier.create(this.dispatch.dispatch(call("k", "{}"), "scope")
			.then(this.dispatch.dispatchResumed(call("k", "{}"), "scope", Duration.ofMillis(200))))
			.assertNext(outcome -> assertThat(outcome.replayed()).isTrue())
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void resumedCallThatNeverRanRuns() {
		StepVerifier.create(this.dispatch.dispatchResumed(call("k", "{}"), "scope", Duration.ofMillis(200)))
			.assertNext(outcome -> assertThat(outcome.result().isOk()).isTrue())
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void runsCallsWithoutAKeyEveryTime() {
		StepVerifier.create(this.dispatch.dispatch(call(null, "{}"), "scope")
			.then(this.dispatch.dispatch(call(null, "{}"), "scope")))
			.assertNext(outcome -> assertThat(outcome.replayed()).isFalse())
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(2);
	}

	private static ToolInvocation call(String key, String arguments) {
		return new ToolInvocation("call_1", "slow", arguments, "acme", key);
	}

}
