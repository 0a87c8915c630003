package io.toolgate.dispatcher.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolBulkhead;

/**
 * Bulkhead state of every registered tool, read at scrape time, labelled {@code tool}:
 * <ul>
 * <li>{@code toolgate.tool.inflight}: permits held now;</li>
 * <li>{@code toolgate.tool.waiting}: calls waiting for a permit now;</li>
 * <li>{@code toolgate.tool.concurrency.limit}: the tool's {@code max-concurrency}.</li>
 * </ul>
 * It also registers each tool's {@code toolgate.tool.retries} counter at zero, so that
 * retry rates exist before the first retry.
 */
public final class ToolBulkheadMetrics implements MeterBinder {

	private final ToolRegistry registry;

	/**
	 * Creates the binder.
	 * @param registry the tools, fixed at start-up
	 */
	public ToolBulkheadMetrics(ToolRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		for (RegisteredTool tool : this.registry.all()) {
			String name = tool.spec().name();
			Gauge.builder("toolgate.tool.inflight", tool.bulkhead(), ToolBulkhead::inFlight)
				.description("Tool executions holding a bulkhead permit")
				.tag("tool", name)
				.register(meters);
			Gauge.builder("toolgate.tool.waiting", tool.bulkhead(), ToolBulkhead::waiting)
				.description("Tool calls waiting for a bulkhead permit")
				.tag("tool", name)
				.register(meters);
			Gauge.builder("toolgate.tool.concurrency.limit", tool, t -> t.spec().maxConcurrency())
				.description("The bulkhead bound of the tool")
				.tag("tool", name)
				.register(meters);
			Counter.builder("toolgate.tool.retries")
				.description("Tool call attempts after the first")
				.tag("tool", name)
				.register(meters);
		}
	}

}
