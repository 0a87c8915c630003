package io.toolgate.dispatcher.tool;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.toolgate.dispatcher.tool.support.TestTools;
import io.toolgate.dispatcher.tool.support.WorkerTools;
import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.IdempotentRequest;
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

	@Test
	void claimsTheKeysOfAStepTogether() {
		CountingStore counting = new CountingStore(this.store);
		IdempotentDispatch step = WorkerTools.idempotent(
				this.tools
					.registry(TestTools.http("slow", this.worker.uri("/delay?ms=10"), Duration.ofSeconds(2), 1, 4)),
				counting, Duration.ofSeconds(1), Duration.ofSeconds(5));
		List<ToolInvocation> calls = List.of(keyedCall("call_a", "ka", "{\"text\":\"a\"}"),
				keyedCall("call_b", "kb", "{\"text\":\"b\"}"), keyedCall("call_c", null, "{}"));

		StepVerifier.create(step.dispatchAll(calls, "turn-call:acme", 4, (call, outcome) -> outcome).collectList())
			.assertNext(outcomes -> assertThat(outcomes).hasSize(3)
				.allSatisfy(outcome -> assertThat(outcome).isInstanceOf(DispatchOutcome.Fresh.class)))
			.verifyComplete();
		StepVerifier
			.create(step
				.dispatchAll(calls, "turn-call:acme", 4,
						(call, outcome) -> call.callId() + ":" + (replayed(outcome) ? "replayed" : "fresh"))
				.collectList())
			.assertNext(outcomes -> assertThat(outcomes).containsExactlyInAnyOrder("call_a:replayed", "call_b:replayed",
					"call_c:fresh"))
			.verifyComplete();
		assertThat(counting.claimAlls).hasValue(2);
		assertThat(counting.claims).hasValue(0);
		assertThat(this.worker.requests()).isEqualTo(4);
	}

	@Test
	void claimsEachCallAsItStartsWhenNotAllRunAtOnce() {
		CountingStore counting = new CountingStore(this.store);
		IdempotentDispatch step = WorkerTools.idempotent(
				this.tools
					.registry(TestTools.http("slow", this.worker.uri("/delay?ms=10"), Duration.ofSeconds(2), 1, 4)),
				counting, Duration.ofSeconds(1), Duration.ofSeconds(5));
		List<ToolInvocation> calls = List.of(keyedCall("call_a", "ka", "{}"), keyedCall("call_b", "kb", "{}"),
				keyedCall("call_c", "kc", "{}"));

		StepVerifier.create(step.dispatchAll(calls, "turn-call:acme", 2, (call, outcome) -> outcome).collectList())
			.assertNext(outcomes -> assertThat(outcomes).hasSize(3))
			.verifyComplete();
		assertThat(counting.claimAlls).hasValue(0);
		assertThat(counting.claims).hasValue(3);
	}

	@Test
	void aStepsSecondCallWithTheSameKeyGetsTheFirstsResult() {
		List<ToolInvocation> calls = List.of(keyedCall("call_a", "k", "{\"text\":\"a\"}"),
				keyedCall("call_a", "k", "{ \"text\": \"a\" }"));

		StepVerifier
			.create(this.dispatch.dispatchAll(calls, "turn-call:acme", 2, (call, outcome) -> outcome).collectList())
			.assertNext(outcomes -> {
				assertThat(outcomes).filteredOn(IdempotentDispatchTests::replayed).hasSize(1);
				assertThat(resultOf(outcomes.get(0))).isEqualTo(resultOf(outcomes.get(1)));
			})
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	@Test
	void aStepsCallWhoseKeyStaysClaimedElsewhereIsInProgressAfterTheWait() {
		ToolInvocation held = keyedCall("call_a", "k", "{}");
		this.store.claim("turn-call:acme", "k", this.dispatch.fingerprint(held), Duration.ofMinutes(5))
			.block(Duration.ofSeconds(5));

		StepVerifier
			.create(this.dispatch
				.dispatchAll(List.of(held, keyedCall("call_b", "k2", "{}")), "turn-call:acme", Duration.ofMillis(200),
						2, (call, outcome) -> call.callId() + ":" + outcome.getClass().getSimpleName())
				.collectList())
			.assertNext(outcomes -> assertThat(outcomes).containsExactlyInAnyOrder("call_a:InProgress", "call_b:Fresh"))
			.verifyComplete();
		assertThat(this.worker.requests()).isEqualTo(1);
	}

	private static ToolInvocation keyedCall(String callId, String key, String arguments) {
		return new ToolInvocation(callId, "slow", arguments, "acme", key);
	}

	/** Counts how the dispatch claims keys. */
	private static final class CountingStore implements IdempotencyStore {

		private final IdempotencyStore delegate;

		private final AtomicInteger claims = new AtomicInteger();

		private final AtomicInteger claimAlls = new AtomicInteger();

		CountingStore(IdempotencyStore delegate) {
			this.delegate = delegate;
		}

		@Override
		public Mono<IdempotencyClaim> claim(String scope, String key, String requestFingerprint, Duration ttl) {
			return this.delegate.claim(scope, key, requestFingerprint, ttl)
				.doOnSubscribe(s -> this.claims.incrementAndGet());
		}

		@Override
		public Mono<List<IdempotencyClaim>> claimAll(String scope, List<IdempotentRequest> requests, Duration ttl) {
			return this.delegate.claimAll(scope, requests, ttl).doOnSubscribe(s -> this.claimAlls.incrementAndGet());
		}

		@Override
		public Mono<Void> complete(IdempotencyClaim.Claimed claim, String resultJson) {
			return this.delegate.complete(claim, resultJson);
		}

		@Override
		public Mono<Void> release(IdempotencyClaim.Claimed claim) {
			return this.delegate.release(claim);
		}

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
