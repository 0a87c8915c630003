package io.toolgate.dispatcher.tool;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link ToolBulkhead}: permits, the bounded wait and the bounded queue. */
class ToolBulkheadTests {

	private static final Duration VERIFY = Duration.ofSeconds(5);

	@Test
	void runsUpToMaxConcurrencyAtOnceAndQueuesTheRest() {
		ToolBulkhead bulkhead = new ToolBulkhead("t", 2, 10);
		Sinks.One<String> gate = Sinks.one();
		Disposable first = bulkhead.run(gate::asMono, Duration.ofSeconds(10)).subscribe();
		Disposable second = bulkhead.run(gate::asMono, Duration.ofSeconds(10)).subscribe();
		Disposable third = bulkhead.run(() -> Mono.just("third"), Duration.ofSeconds(10)).subscribe();
		assertThat(bulkhead.inFlight()).isEqualTo(2);
		assertThat(bulkhead.waiting()).isEqualTo(1);
		gate.tryEmitValue("done");
		assertThat(bulkhead.inFlight()).isZero();
		assertThat(bulkhead.waiting()).isZero();
		first.dispose();
		second.dispose();
		third.dispose();
	}

	@Test
	void rejectsAfterTheWaitBound() {
		ToolBulkhead bulkhead = new ToolBulkhead("t", 1, 10);
		StepVerifier
			.withVirtualTime(() -> Mono.when(bulkhead.run(Mono::never, Duration.ofSeconds(1)),
					bulkhead.run(() -> Mono.just("late"), Duration.ofSeconds(1))))
			.expectSubscription()
			.thenAwait(Duration.ofSeconds(1))
			.expectErrorSatisfies(ex -> assertThat(ex).isInstanceOfSatisfying(ToolExecutionException.class, failure -> {
				assertThat(failure.errorType()).isEqualTo("rejected");
				assertThat(failure.isRetryable()).isTrue();
			}))
			.verify(VERIFY);
		assertThat(bulkhead.inFlight()).isZero();
		assertThat(bulkhead.waiting()).isZero();
	}

	@Test
	void rejectsAtOnceWhenTheQueueIsFull() {
		ToolBulkhead bulkhead = new ToolBulkhead("t", 1, 0);
		Disposable holder = bulkhead.run(Mono::never, Duration.ofSeconds(10)).subscribe();
		StepVerifier.create(bulkhead.run(() -> Mono.just("x"), Duration.ofSeconds(10)))
			.expectErrorSatisfies(ex -> assertThat(ex).hasMessageContaining("waiting queue is full"))
			.verify(VERIFY);
		holder.dispose();
		assertThat(bulkhead.inFlight()).isZero();
	}

	@Test
	void releasesThePermitOfACancelledCallAndForgetsCancelledWaiters() {
		ToolBulkhead bulkhead = new ToolBulkhead("t", 1, 10);
		Disposable holder = bulkhead.run(Mono::never, Duration.ofSeconds(10)).subscribe();
		Disposable waiter = bulkhead.run(Mono::never, Duration.ofSeconds(10)).subscribe();
		assertThat(bulkhead.waiting()).isEqualTo(1);
		waiter.dispose();
		assertThat(bulkhead.waiting()).isZero();
		holder.dispose();
		assertThat(bulkhead.inFlight()).isZero();
		StepVerifier.create(bulkhead.run(() -> Mono.just("free"), Duration.ofMillis(1)))
			.expectNext("free")
			.expectComplete()
			.verify(VERIFY);
	}

	@Test
	void releasesThePermitWhenTheWorkFails() {
		ToolBulkhead bulkhead = new ToolBulkhead("t", 1, 10);
		StepVerifier
			.create(bulkhead.run(() -> Mono.<String>error(new IllegalStateException("boom")), Duration.ofSeconds(1)))
			.expectError(IllegalStateException.class)
			.verify(VERIFY);
		assertThat(bulkhead.inFlight()).isZero();
	}

}
