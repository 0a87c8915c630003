package io.toolgate.bench.floor;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** Proves BlockHound is installed in this test JVM: a sleep on a non-blocking thread must fail. */
class BlockHoundCanaryTests {

	@Test
	void detectsThreadSleepOnParallelScheduler() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		}).subscribeOn(Schedulers.parallel());
		StepVerifier.create(blocking)
			.expectErrorSatisfies(error -> assertThat(error).hasMessageContaining("Thread.sleep"))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void allowsThreadSleepOnBoundedElastic() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		}).subscribeOn(Schedulers.boundedElastic());
		StepVerifier.create(blocking).expectNext(1).verifyComplete();
	}

}
