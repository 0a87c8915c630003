package io.toolgate.streaming;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class BlockHoundCanaryTests {

	@Test
	void blockingCallOnParallelSchedulerFails() {
		Mono<Integer> blocking = Mono.fromCallable(() -> {
			Thread.sleep(1);
			return 1;
		}).subscribeOn(Schedulers.parallel());
		StepVerifier.create(blocking)
			.expectErrorSatisfies((error) -> assertThat(error).hasMessageContaining("Thread.sleep"))
			.verify(Duration.ofSeconds(5));
	}

}
