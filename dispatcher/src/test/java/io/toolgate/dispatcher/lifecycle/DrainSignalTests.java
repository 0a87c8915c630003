package io.toolgate.dispatcher.lifecycle;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class DrainSignalTests {

	private final DrainSignal signal = new DrainSignal(Duration.ofMillis(750));

	@Test
	void endsOpenStreamWithRetryHint() {
		StepVerifier.create(this.signal.endOnDrain(Flux.<ServerSentEvent<String>>never()))
			.then(this.signal::endStreams)
			.assertNext(event -> {
				assertThat(event.comment()).isEqualTo("draining");
				assertThat(event.retry()).isEqualTo(Duration.ofMillis(750));
				assertThat(event.id()).isNull();
				assertThat(event.data()).isNull();
			})
			.expectComplete()
			.verify(Duration.ofSeconds(5));
		assertThat(this.signal.streamsEnded()).isTrue();
	}

	@Test
	void leavesStreamsThatCompleteByThemselves() {
		ServerSentEvent<String> event = ServerSentEvent.builder("data").id("1").build();
		StepVerifier.create(this.signal.endOnDrain(Flux.just(event)))
			.expectNext(event)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	@Test
	void endsStreamsOpenedAfterTheSignalAtOnce() {
		this.signal.endStreams();
		StepVerifier.create(this.signal.endOnDrain(Flux.<ServerSentEvent<String>>never()))
			.assertNext(event -> assertThat(event.retry()).isEqualTo(Duration.ofMillis(750)))
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

}
