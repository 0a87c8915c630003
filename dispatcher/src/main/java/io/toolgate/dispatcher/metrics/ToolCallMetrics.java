package io.toolgate.dispatcher.metrics;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.toolgate.dispatcher.tool.ToolCallObserver;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Tool call metrics and spans.
 * <ul>
 * <li>{@code toolgate.tool.calls} (timer, {@code tool}, {@code outcome}, optionally
 * {@code tenant}): every call with its outcome, {@code ok} or the error type the model
 * sees ({@code timeout}, {@code invalid_arguments}, {@code rejected},
 * {@code unknown_tool}, ...). Buckets {@link #TOOL_BUCKETS}.</li>
 * <li>{@code gen_ai.client.operation.duration} with
 * {@code gen_ai.operation.name=execute_tool} and {@code gen_ai.tool.name};
 * {@code error.type} is the outcome for failed calls.</li>
 * <li>{@code toolgate.tool.retries} (counter, {@code tool}): attempts after the
 * first.</li>
 * </ul>
 * Each call is also a span named {@code execute_tool {tool}}. The tool dispatcher reports
 * to it as its {@link ToolCallObserver}.
 */
public final class ToolCallMetrics implements ToolCallObserver {

	/** Histogram boundaries of {@code toolgate.tool.calls}, in seconds. */
	static final Duration[] TOOL_BUCKETS = GenAi.seconds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
			60);

	/** The outcome of a successful call. */
	public static final String OK = "ok";

	private final MeterRegistry registry;

	private final Spans spans;

	private final boolean tenantLabel;

	private final MeterCache<Timer> calls = new MeterCache<>();

	private final MeterCache<Timer> operations = new MeterCache<>();

	private final MeterCache<Counter> retries = new MeterCache<>();

	ToolCallMetrics(MeterRegistry registry, Spans spans, boolean tenantLabel) {
		this.registry = registry;
		this.spans = spans;
		this.tenantLabel = tenantLabel;
	}

	/**
	 * Records a finished call.
	 * @param tool the registered tool name, or a fixed stand-in for unknown names
	 * @param outcome {@value #OK} or the error type
	 * @param tenant the tenant, labelled only when configured
	 * @param durationNanos the call's duration, all attempts included
	 */
	@Override
	public void completed(String tool, String outcome, String tenant, long durationNanos) {
		String tenantValue = this.tenantLabel ? tenant : "";
		this.calls.get(List.of(tool, outcome, tenantValue), () -> {
			Tags tags = Tags.of("tool", tool, "outcome", outcome);
			if (this.tenantLabel) {
				tags = tags.and("tenant", tenant);
			}
			return Timer.builder("toolgate.tool.calls")
				.description("Tool calls by tool and outcome")
				.tags(tags)
				.serviceLevelObjectives(TOOL_BUCKETS)
				.register(this.registry);
		}).record(durationNanos, TimeUnit.NANOSECONDS);
		this.operations
			.get(List.of(tool, outcome),
					() -> Timer.builder(GenAi.OPERATION_DURATION)
						.description("GenAI operation duration")
						.tags(GenAi.OPERATION_NAME, GenAi.EXECUTE_TOOL, GenAi.PROVIDER_NAME, "", GenAi.REQUEST_MODEL,
								"", GenAi.TOOL_NAME, tool, GenAi.ERROR_TYPE, OK.equals(outcome) ? "" : outcome)
						.serviceLevelObjectives(GenAi.DURATION_BUCKETS)
						.register(this.registry))
			.record(durationNanos, TimeUnit.NANOSECONDS);
	}

	/**
	 * Counts one retry of a call.
	 * @param tool the tool name
	 */
	@Override
	public void retried(String tool) {
		this.retries
			.get(List.of(tool),
					() -> Counter.builder("toolgate.tool.retries")
						.description("Tool call attempts after the first")
						.tag("tool", tool)
						.register(this.registry))
			.increment();
	}

	/**
	 * Runs a call inside its {@code execute_tool {tool}} span.
	 * @param <T> the result type
	 * @param tool the tool name
	 * @param callId the call id, a span attribute only
	 * @param call the call
	 * @return the call's signals
	 */
	@Override
	public <T> Mono<T> span(String tool, @Nullable String callId, Mono<T> call) {
		return this.spans.mono(GenAi.EXECUTE_TOOL,
				observation -> observation.contextualName(GenAi.EXECUTE_TOOL + " " + tool)
					.lowCardinalityKeyValue(GenAi.OPERATION_NAME, GenAi.EXECUTE_TOOL)
					.lowCardinalityKeyValue(GenAi.TOOL_NAME, tool)
					.highCardinalityKeyValue("gen_ai.tool.call.id", callId != null ? callId : ""),
				call);
	}

}
