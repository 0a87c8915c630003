package io.toolgate.dispatcher.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.toolgate.streaming.TurnEvent;
import reactor.core.publisher.Flux;

/**
 * Turn metrics and spans.
 * <ul>
 * <li>{@code toolgate.turn.duration} (timer, {@code reason}): from the start of the loop
 * to its end;</li>
 * <li>{@code toolgate.turns.completed} (counter, {@code reason}): how turns end:
 * {@code stop}, {@code length}, {@code tool_calls}, {@code max_iterations},
 * {@code loop_detected}, {@code deadline}, {@code budget_exhausted},
 * {@code awaiting_approval} (a run that suspended), {@code cancelled}, or the code of the
 * terminal error ({@code store_unavailable}, {@code upstream_first_token_timeout},
 * ...);</li>
 * <li>{@code toolgate.turn.iterations} (distribution summary): model calls per completed
 * turn;</li>
 * <li>{@code toolgate.turns.running} (gauge): turn loops running on this replica
 * now;</li>
 * <li>{@code toolgate.turn.takeovers} (counter): turns a reader on this replica found
 * stopped without ending, by {@code outcome} ({@code started}, {@code elsewhere},
 * {@code ended}, {@code closed}, {@code failed}, {@code draining}, {@code saturated},
 * {@code orphaned}, or {@code abandoned} with takeover off).</li>
 * </ul>
 * The tenant is an extra label of the duration and the counter when configured. Each turn
 * is a span named {@code turn}.
 */
public final class TurnMetrics {

	static final Duration[] TURN_BUCKETS = GenAi.seconds(0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 40, 80, 160, 320);

	static final double[] ITERATION_BUCKETS = { 1, 2, 3, 4, 6, 8, 12, 16, 24, 32 };

	private final MeterRegistry registry;

	private final Spans spans;

	private final boolean tenantLabel;

	private final AtomicInteger running = new AtomicInteger();

	private final DistributionSummary iterations;

	private final MeterCache<Timer> durations = new MeterCache<>();

	private final MeterCache<Counter> completed = new MeterCache<>();

	private final MeterCache<Counter> takeovers = new MeterCache<>();

	TurnMetrics(MeterRegistry registry, Spans spans, boolean tenantLabel) {
		this.registry = registry;
		this.spans = spans;
		this.tenantLabel = tenantLabel;
		this.iterations = DistributionSummary.builder("toolgate.turn.iterations")
			.description("Model calls per completed turn")
			.serviceLevelObjectives(ITERATION_BUCKETS)
			.register(registry);
		Gauge.builder("toolgate.turns.running", this.running, AtomicInteger::get)
			.description("Turn loops running on this replica")
			.register(registry);
	}

	/**
	 * Instruments one turn loop. Lazy: the clock starts at subscription.
	 * @param tenant the tenant, labelled only when configured
	 * @param turnId the turn id, a span attribute only
	 * @param turn the turn's events
	 * @param errorCode maps an error signal to the bounded code its terminal
	 * {@code error} event carries
	 * @return the same events
	 */
	public Flux<TurnEvent> turn(String tenant, String turnId, Flux<TurnEvent> turn,
			Function<Throwable, String> errorCode) {
		Flux<TurnEvent> measured = Flux.defer(() -> {
			long start = System.nanoTime();
			// Null until a terminal event or error: a consumer may cancel right after the
			// terminal event.
			String[] reason = { null };
			this.running.incrementAndGet();
			return turn.doOnNext(event -> {
				if (event instanceof TurnEvent.TurnCompleted completed) {
					reason[0] = completed.reason();
					iterations().record(completed.iterations());
				}
				else if (event instanceof TurnEvent.Error error) {
					reason[0] = error.code();
				}
				else if (event instanceof TurnEvent.ApprovalRequired) {
					// The turn suspends after its held calls; it goes on as another run.
					reason[0] = "awaiting_approval";
				}
			}).doOnError(ex -> reason[0] = errorCode.apply(ex)).doFinally(signal -> {
				this.running.decrementAndGet();
				record(tenant, (reason[0] != null) ? reason[0] : "cancelled", System.nanoTime() - start);
			});
		});
		return this.spans.flux("turn",
				observation -> observation.contextualName("turn").highCardinalityKeyValue("toolgate.turn.id", turnId),
				measured);
	}

	/**
	 * Counts what became of a turn a reader found stopped without ending.
	 * @param outcome a bounded outcome name
	 */
	public void takeover(String outcome) {
		this.takeovers
			.get(List.of(outcome),
					() -> Counter.builder("toolgate.turn.takeovers")
						.description("Turns found stopped without ending, by what became of them")
						.tags("outcome", outcome)
						.register(this.registry))
			.increment();
	}

	private void record(String tenant, String reason, long durationNanos) {
		List<String> labels = List.of(reason, this.tenantLabel ? tenant : "");
		this.durations
			.get(labels,
					() -> Timer.builder("toolgate.turn.duration")
						.description("Duration of turns by how they ended")
						.tags(tags(tenant, reason))
						.serviceLevelObjectives(TURN_BUCKETS)
						.register(this.registry))
			.record(durationNanos, TimeUnit.NANOSECONDS);
		this.completed
			.get(labels,
					() -> Counter.builder("toolgate.turns.completed")
						.description("Turns by how they ended")
						.tags(tags(tenant, reason))
						.register(this.registry))
			.increment();
	}

	private Tags tags(String tenant, String reason) {
		Tags tags = Tags.of("reason", reason);
		return this.tenantLabel ? tags.and("tenant", tenant) : tags;
	}

	private DistributionSummary iterations() {
		return this.iterations;
	}

}
