package io.toolgate.dispatcher.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;

/**
 * The gateway's metrics and spans, grouped by subject. One instance per application; call
 * sites get it injected. Recording never blocks and never fails the recorded work. See
 * each group for the meters it records; the Prometheus names are listed in
 * {@code grafana/README.md}.
 */
public final class ToolgateMetrics {

	/**
	 * Distinct {@code gen_ai.request.model} values kept by default before further ones
	 * become {@code other}.
	 */
	public static final int DEFAULT_MAX_MODEL_VALUES = 32;

	/**
	 * The name prefix of the observations used for spans only; they register no meters.
	 */
	public static final String SPAN_PREFIX = "toolgate.span.";

	private final TurnMetrics turns;

	private final ModelCallMetrics models;

	private final ToolCallMetrics tools;

	private final SseMetrics sse;

	/**
	 * Creates the metrics.
	 * @param meters where meters are registered
	 * @param observations where spans are started; {@link ObservationRegistry#NOOP}
	 * records none
	 * @param tenantLabel whether turn and tool metrics carry a {@code tenant} label
	 * @param maxModelValues how many distinct requested model names are labelled as such
	 */
	public ToolgateMetrics(MeterRegistry meters, ObservationRegistry observations, boolean tenantLabel,
			int maxModelValues) {
		Spans spans = new Spans(observations);
		this.turns = new TurnMetrics(meters, spans, tenantLabel);
		this.models = new ModelCallMetrics(meters, spans, maxModelValues);
		this.tools = new ToolCallMetrics(meters, spans, tenantLabel);
		this.sse = new SseMetrics(meters);
	}

	/**
	 * Metrics kept in a private {@link SimpleMeterRegistry}, without spans: for tests and
	 * for components built outside the application context.
	 */
	public static ToolgateMetrics noop() {
		return new ToolgateMetrics(new SimpleMeterRegistry(), ObservationRegistry.NOOP, false,
				DEFAULT_MAX_MODEL_VALUES);
	}

	/** Turn loops. */
	public TurnMetrics turns() {
		return this.turns;
	}

	/** Model calls. */
	public ModelCallMetrics models() {
		return this.models;
	}

	/** Tool calls. */
	public ToolCallMetrics tools() {
		return this.tools;
	}

	/** Server-Sent Event streams. */
	public SseMetrics sse() {
		return this.sse;
	}

}
