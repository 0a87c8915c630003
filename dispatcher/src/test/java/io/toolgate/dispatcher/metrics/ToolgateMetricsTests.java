package io.toolgate.dispatcher.metrics;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.ModelEvent;
import io.toolgate.streaming.upstream.UpstreamException;
import org.junit.jupiter.api.Test;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class ToolgateMetricsTests {

	private static final Duration WAIT = Duration.ofSeconds(5);

	private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

	private final ToolgateMetrics metrics = new ToolgateMetrics(this.registry, ObservationRegistry.NOOP, false, 2);

	@Test
	void recordsToolCallsByToolAndOutcomeInBothNamings() {
		this.metrics.tools().completed("weather", "ok", "acme", TimeUnit.MILLISECONDS.toNanos(30));
		this.metrics.tools().completed("weather", "timeout", "acme", TimeUnit.SECONDS.toNanos(2));

		assertThat(this.registry.get("toolgate.tool.calls").tags("tool", "weather", "outcome", "ok").timer().count())
			.isEqualTo(1);
		assertThat(
				this.registry.get("toolgate.tool.calls").tags("tool", "weather", "outcome", "timeout").timer().count())
			.isEqualTo(1);
		Timer failed = this.registry.get(GenAi.OPERATION_DURATION)
			.tags(GenAi.OPERATION_NAME, GenAi.EXECUTE_TOOL, GenAi.TOOL_NAME, "weather", GenAi.ERROR_TYPE, "timeout")
			.timer();
		assertThat(failed.count()).isEqualTo(1);
		assertThat(this.registry.get(GenAi.OPERATION_DURATION)
			.tags(GenAi.TOOL_NAME, "weather", GenAi.ERROR_TYPE, "")
			.timer()
			.count()).isEqualTo(1);
		assertThat(this.registry.find("toolgate.tool.calls").tagKeys("tenant").timers()).isEmpty();
	}

	@Test
	void usesTheAdvisedGenAiDurationBuckets() {
		this.metrics.tools().completed("weather", "ok", "acme", TimeUnit.MILLISECONDS.toNanos(30));

		Timer timer = this.registry.get(GenAi.OPERATION_DURATION).timer();
		assertThat(bounds(timer.takeSnapshot().histogramCounts(), TimeUnit.SECONDS)).containsExactly(0.01, 0.02, 0.04,
				0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
	}

	@Test
	void labelsTheTenantOnlyWhenConfigured() {
		SimpleMeterRegistry tenantRegistry = new SimpleMeterRegistry();
		ToolgateMetrics withTenant = new ToolgateMetrics(tenantRegistry, ObservationRegistry.NOOP, true, 2);

		withTenant.tools().completed("weather", "ok", "acme", 1_000);

		assertThat(tenantRegistry.get("toolgate.tool.calls").tags("tenant", "acme").timer().count()).isEqualTo(1);
	}

	@Test
	void countsRetriesPerTool() {
		this.metrics.tools().retried("weather");
		this.metrics.tools().retried("weather");

		assertThat(this.registry.get("toolgate.tool.retries").tags("tool", "weather").counter().count()).isEqualTo(2);
	}

	@Test
	void recordsTimeToFirstChunkDurationAndTokenUsageOfModelCalls() {
		Flux<ModelEvent> call = Flux.just(new ModelEvent.Token("Hi"),
				new ModelEvent.Completed(ChatMessage.assistant("Hi", List.of()), "stop", Usage.of(120, 7), "m"));

		StepVerifier.create(this.metrics.models().stream("openai", "gpt-x", call))
			.expectNextCount(2)
			.expectComplete()
			.verify(WAIT);

		String[] chat = { GenAi.OPERATION_NAME, GenAi.CHAT, GenAi.PROVIDER_NAME, "openai", GenAi.REQUEST_MODEL,
				"gpt-x" };
		assertThat(this.registry.get(GenAi.TIME_TO_FIRST_CHUNK).tags(chat).timer().count()).isEqualTo(1);
		assertThat(this.registry.get(GenAi.OPERATION_DURATION).tags(chat).tags(GenAi.ERROR_TYPE, "").timer().count())
			.isEqualTo(1);
		DistributionSummary input = this.registry.get(GenAi.TOKEN_USAGE)
			.tags(chat)
			.tags(GenAi.TOKEN_TYPE, "input")
			.summary();
		assertThat(input.totalAmount()).isEqualTo(120);
		assertThat(this.registry.get(GenAi.TOKEN_USAGE).tags(GenAi.TOKEN_TYPE, "output").summary().totalAmount())
			.isEqualTo(7);
		assertThat(bounds(input.takeSnapshot().histogramCounts(), null)).startsWith(1.0, 4.0, 16.0, 64.0)
			.endsWith(16777216.0, 67108864.0)
			.hasSize(14);
	}

	@Test
	void tagsFailedModelCallsWithTheUpstreamErrorKind() {
		Flux<ModelEvent> call = Flux
			.error(new UpstreamException(UpstreamException.Kind.SERVER_ERROR, 502, "bad", null));

		StepVerifier.create(this.metrics.models().stream("openai", "gpt-x", call))
			.expectError(UpstreamException.class)
			.verify(WAIT);

		assertThat(this.registry.get(GenAi.OPERATION_DURATION).tags(GenAi.ERROR_TYPE, "server_error").timer().count())
			.isEqualTo(1);
		assertThat(this.registry.find(GenAi.TIME_TO_FIRST_CHUNK).timers()).isEmpty();
	}

	@Test
	void capsDistinctRequestedModelValues() {
		for (String model : List.of("a", "b", "c", "d", "a")) {
			StepVerifier.create(this.metrics.models().stream("openai", model, Flux.empty()))
				.expectComplete()
				.verify(WAIT);
		}

		assertThat(this.registry.find(GenAi.OPERATION_DURATION)
			.timers()
			.stream()
			.map(timer -> timer.getId().getTag(GenAi.REQUEST_MODEL))).containsExactlyInAnyOrder("a", "b", "other");
	}

	@Test
	void recordsHowTurnsEndAndTheirIterations() {
		Flux<TurnEvent> turn = Flux.just(new TurnEvent.TurnCompleted("stop", "done", null, Usage.ZERO, 3));

		StepVerifier.create(this.metrics.turns().turn("acme", "turn_1", turn, ex -> "internal_error"))
			.expectNextCount(1)
			.expectComplete()
			.verify(WAIT);

		assertThat(this.registry.get("toolgate.turns.completed").tags("reason", "stop").counter().count()).isEqualTo(1);
		assertThat(this.registry.get("toolgate.turn.duration").tags("reason", "stop").timer().count()).isEqualTo(1);
		assertThat(this.registry.get("toolgate.turn.iterations").summary().totalAmount()).isEqualTo(3);
	}

	@Test
	void keepsTheEndReasonWhenTheConsumerCancelsAfterTheTerminalEvent() {
		Flux<TurnEvent> turn = Flux
			.concat(Flux.just(new TurnEvent.TurnCompleted("max_iterations", null, null, Usage.ZERO, 8)), Flux.never());

		StepVerifier.create(this.metrics.turns().turn("acme", "turn_1", turn, ex -> "internal_error").take(1))
			.expectNextCount(1)
			.expectComplete()
			.verify(WAIT);

		assertThat(this.registry.get("toolgate.turns.completed").tags("reason", "max_iterations").counter().count())
			.isEqualTo(1);
	}

	@Test
	void countsCancelledAndFailedTurnsAndTracksRunningOnes() {
		Sinks.Empty<TurnEvent> never = Sinks.empty();
		Gauge running = this.registry.get("toolgate.turns.running").gauge();

		StepVerifier.create(this.metrics.turns().turn("acme", "turn_1", never.asMono().flux(), ex -> "x"))
			.then(() -> assertThat(running.value()).isEqualTo(1))
			.thenCancel()
			.verify(WAIT);
		StepVerifier
			.create(this.metrics.turns()
				.turn("acme", "turn_2", Flux.error(new IllegalStateException()), ex -> "store_unavailable"))
			.expectError(IllegalStateException.class)
			.verify(WAIT);

		assertThat(running.value()).isZero();
		assertThat(this.registry.get("toolgate.turns.completed").tags("reason", "cancelled").counter().count())
			.isEqualTo(1);
		assertThat(this.registry.get("toolgate.turns.completed").tags("reason", "store_unavailable").counter().count())
			.isEqualTo(1);
	}

	@Test
	void countsSseDataEventsResumesAndDisconnects() {
		Flux<ServerSentEvent<String>> stream = Flux.just(ServerSentEvent.<String>builder().comment("open").build(),
				ServerSentEvent.builder("a").id("1").build(), ServerSentEvent.builder("b").id("2").build());
		Gauge open = this.registry.get("toolgate.sse.streams.open").tags("api", SseMetrics.CONVERSATIONS).gauge();

		StepVerifier.create(this.metrics.sse().stream(SseMetrics.CONVERSATIONS, true, stream))
			.expectNextCount(3)
			.expectComplete()
			.verify(WAIT);
		StepVerifier.create(this.metrics.sse().stream(SseMetrics.CONVERSATIONS, false, stream.concatWith(Flux.never())))
			.expectNextCount(3)
			.then(() -> assertThat(open.value()).isEqualTo(1))
			.thenCancel()
			.verify(WAIT);

		assertThat(open.value()).isZero();
		Counter events = this.registry.get("toolgate.sse.events").tags("api", SseMetrics.CONVERSATIONS).counter();
		assertThat(events.count()).isEqualTo(4);
		assertThat(this.registry.get("toolgate.sse.resumes").tags("api", SseMetrics.CONVERSATIONS).counter().count())
			.isEqualTo(1);
		assertThat(
				this.registry.get("toolgate.sse.disconnects").tags("api", SseMetrics.CONVERSATIONS).counter().count())
			.isEqualTo(1);
	}

	private static List<Double> bounds(CountAtBucket[] buckets, TimeUnit unit) {
		return Arrays.stream(buckets)
			.map(bucket -> (unit != null) ? bucket.bucket(unit) : bucket.bucket())
			.filter(bound -> !Double.isInfinite(bound))
			.toList();
	}

}
