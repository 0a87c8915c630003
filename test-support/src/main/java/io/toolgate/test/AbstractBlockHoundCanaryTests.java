package io.toolgate.test;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Proves BlockHound is installed in the test JVM: a sleep on a non-blocking thread must
 * fail, and the same sleep on {@code boundedElastic} must pass. Each module extends it
 * once (an empty {@code BlockHoundCanaryTests}), so a module whose test class path loses
 * {@code blockhound-junit-platform} or whose JVM flags stop BlockHound from attaching
 * fails here instead of silently running unguarded.
 */
public abstract class AbstractBlockHoundCanaryTests {

	@Test
	void detectsThreadSleepOnParallelScheduler() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		}).subscribeOn(Schedulers.parallel());
		StepVerifier.create(blocking)
			.expectErrorSatisfies((error) -> assertThat(error).hasMessageContaining("Thread.sleep"))
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void allowsThreadSleepOnBoundedElastic() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		}).subscribeOn(Schedulers.boundedElastic());
		StepVerifier.create(blocking).expectNext(1).expectComplete().verify(Duration.ofSeconds(5));
	}

}
