package io.toolgate.dispatcher.tool;

import java.time.Duration;

import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.dispatcher.tool.support.WorkerTools;
import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.memory.InMemoryIdempotencyStore;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.test.ToolWorker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.util.unit.DataSize;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** A tool call runs once per idempotency key, against a real HTTP tool worker. */
class IdempotentDispatchTests {

	@RegisterExtension
	private final WorkerTools tools = WorkerTools.start(1, DataSize.ofKilobytes(64));

	private final ToolWorker worker = this.tools.worker();

	private final InMemoryIdempotencyStore store = new InMemoryIdempotencyStore();

	private final IdempotentDispatch dispatch = WorkerTools.idempotent(
			this.tools.registry(TestTools.http("slow", this.worker.uri("/delay?ms=300"), Duration.ofSeconds(2), 1, 4)),
			this.store, Duration.ofSeconds(1), Duration.ofSeconds(5));

	@Test
	void runsConcurrentRepeatsOfOneKeyOnce() {
		Mono<DispatchOutcome> first = this.dispatch.dispatch(call("k", "{\"text\":\"a\"}"), "scope");
		Mono<DispatchOutcome> second = this.dispatch.dispatch(call("k", "{ \"text\": \"a\" }"), "scope");
		StepVerifier.create(Mono.zip(first, second)).assertNext(both -> {
			assertThat(resultOf(both.getT1()).isOk()).isTrue();
			assertThat(resultOf(both.getT2())).isEqualTo(resultOf(both.getT1()));
			assertThat(replayed(both.getT1()) ^ replayed(both.getT2())).isTrue();
		}).verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void keepsKeysOfDifferentScopesApart() {
		StepVerifier
			.create(this.dispatch.dispatch(call("k", "{}"), "tenant-a")
				.then(this.dispatch.dispatch(call("k", "{}"), "tenant-b")))
			.assertNext(outcome -> assertThat(replayed(outcome)).isFalse())
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(2);
	}

	@Test
	void refusesAKeyReusedForOtherArguments() {
		StepVerifier
			.create(this.dispatch.dispatch(call("k", "{\"text\":\"a\"}"), "scope")
				.then(this.dispatch.dispatch(call("k", "{\"text\":\"b\"}"), "scope")))
			.assertNext(outcome -> assertThat(outcome).isInstanceOf(DispatchOutcome.Mismatch.class))
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void tellsAKeyStillRunningAfterTheWaitWithoutRunningTheCall() {
		ToolInvocation call = call("k", "{\"text\":\"a\"}");
		// Another request with the key claimed it and has not finished.
		this.store.claim("scope", "k", this.dispatch.fingerprint(call), Duration.ofMinutes(5))
			.block(Duration.ofSeconds(5));
		StepVerifier.create(this.dispatch.dispatch(call, "scope", Duration.ofMillis(200)))
			.assertNext(outcome -> assertThat(outcome).isInstanceOf(DispatchOutcome.InProgress.class))
			.verifyComplete();
		assertThat(this.worker.requests()).isZero();
	}

	@Test
	void resumedCallThatCompletedGetsItsStoredResult() {
		StepVerifier
			.create(this.dispatch.dispatch(call("k", "{}"), "scope")
				.then(this.dispatch.dispatch(call("k", "{}"), "scope", Duration.ofMillis(200))))
			.assertNext(outcome -> assertThat(replayed(outcome)).isTrue())
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void resumedCallThatNeverRanRuns() {
		StepVerifier.create(this.dispatch.dispatch(call("k", "{}"), "scope", Duration.ofMillis(200)))
			.assertNext(outcome -> assertThat(resultOf(outcome).isOk()).isTrue())
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void replaysAResultStoredByAnEarlierReleaseInTheToolResultEventForm() {
		ToolInvocation call = call("k", "{}");
		// Replicas of the release before share the store during a rolling update; they
		// stored the event record.
		TurnEvent.ToolResult earlier = new TurnEvent.ToolResult("call_1", "slow", "error", null,
				new TurnEvent.ToolError("timeout", "Tool 'slow' timed out after 2000ms", true), 2150, 2);
		IdempotencyClaim.Claimed claim = (IdempotencyClaim.Claimed) this.store
			.claim("scope", "k", this.dispatch.fingerprint(call), Duration.ofMinutes(5))
			.block(Duration.ofSeconds(5));
		this.store.complete(claim, TestTools.JSON.writeValueAsString(earlier)).block(Duration.ofSeconds(5));
		StepVerifier.create(this.dispatch.dispatch(call, "scope")).assertNext(outcome -> {
			assertThat(outcome).isInstanceOf(DispatchOutcome.Replayed.class);
			ToolResult result = resultOf(outcome);
			assertThat(result.callId()).isEqualTo("call_1");
			assertThat(result.toolName()).isEqualTo("slow");
			assertThat(result.status()).isEqualTo(ToolResult.Status.ERROR);
			assertThat(result.error())
				.isEqualTo(new ToolResult.Error("timeout", "Tool 'slow' timed out after 2000ms", true));
			assertThat(result.duration()).isEqualTo(Duration.ofMillis(2150));
			assertThat(result.attempts()).isEqualTo(2);
		}).verifyComplete();
		assertThat(this.worker.requests()).isZero();
	}

	@Test
	void storesResultsInTheFormEarlierReleasesRead() {
		StepVerifier
			.create(this.dispatch.dispatch(call("k", "{\"text\":\"a\"}"), "scope")
				.then(this.store.claim("scope", "k", this.dispatch.fingerprint(call("k", "{\"text\":\"a\"}")),
						Duration.ofMinutes(5))))
			.assertNext(claim -> {
				String json = ((IdempotencyClaim.Completed) claim).resultJson();
				TurnEvent.ToolResult stored = TestTools.JSON.readValue(json, TurnEvent.ToolResult.class);
				assertThat(stored.callId()).isEqualTo("call_1");
				assertThat(stored.name()).isEqualTo("slow");
				assertThat(stored.status()).isEqualTo("ok");
				assertThat(stored.output().path("delayed").asBoolean()).isTrue();
				assertThat(stored.error()).isNull();
				assertThat(stored.attempts()).isEqualTo(1);
				assertThat(TestTools.JSON.readTree(json).propertyNames()).containsExactlyInAnyOrder("callId", "name",
						"status", "output", "durationMs", "attempts");
			})
			.verifyComplete();
	}

	@Test
	void runsCallsWithoutAKeyEveryTime() {
		StepVerifier
			.create(this.dispatch.dispatch(call(null, "{}"), "scope")
				.then(this.dispatch.dispatch(call(null, "{}"), "scope")))
			.assertNext(outcome -> assertThat(replayed(outcome)).isFalse())
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(2);
	}

	private static ToolResult resultOf(DispatchOutcome outcome) {
		return switch (outcome) {
			case DispatchOutcome.Fresh fresh -> fresh.result();
			case DispatchOutcome.Replayed replayed -> replayed.result();
			default -> throw new AssertionError("no result: " + outcome);
		};
	}

	private static boolean replayed(DispatchOutcome outcome) {
		return outcome instanceof DispatchOutcome.Replayed;
	}

	private static ToolInvocation call(String key, String arguments) {
		return new ToolInvocation("call_1", "slow", arguments, "acme", key);
	}

}
