package io.toolgate.dispatcher.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.Usage;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class SpansTests {

	private final List<Observation.Context> stopped = new CopyOnWriteArrayList<>();

	private final ObservationRegistry observations = ObservationRegistry.create();

	SpansTests() {
		this.observations.observationConfig().observationHandler(new ObservationHandler<>() {
			@Override
			public void onStop(Observation.Context context) {
				SpansTests.this.stopped.add(context);
			}

			@Override
			public boolean supportsContext(Observation.Context context) {
				return true;
			}
		});
	}

	@Test
	void nestsToolSpansInTheTurnSpanThroughTheReactorContext() {
		ToolgateMetrics metrics = new ToolgateMetrics(new SimpleMeterRegistry(), this.observations, false, 4);
		Flux<TurnEvent> turn = metrics.tools()
			.span("weather", "call_1", Mono.just("ok"))
			.thenMany(Flux.just(new TurnEvent.TurnCompleted("stop", "done", null, Usage.ZERO, 1)));

		StepVerifier.create(metrics.turns().turn("acme", "turn_1", turn, ex -> "x"))
			.expectNextCount(1)
			.expectComplete()
			.verify(Duration.ofSeconds(5));

		assertThat(this.stopped).extracting(Observation.Context::getContextualName)
			.containsExactly("execute_tool weather", "turn");
		Observation.Context tool = this.stopped.get(0);
		assertThat(tool.getName()).startsWith(ToolgateMetrics.SPAN_PREFIX);
		assertThat(tool.getLowCardinalityKeyValue("gen_ai.tool.name").getValue()).isEqualTo("weather");
		assertThat(tool.getParentObservation().getContextView().getContextualName()).isEqualTo("turn");
	}

}
