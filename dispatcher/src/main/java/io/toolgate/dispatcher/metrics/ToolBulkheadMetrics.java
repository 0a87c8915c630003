package io.toolgate.dispatcher.metrics;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolBulkhead;
import io.toolgate.dispatcher.tool.ToolRegistry;

/**
 * Bulkhead state of every registered tool, declared or discovered on an MCP server, read
 * at scrape time, labelled {@code tool}:
 * <ul>
 * <li>{@code toolgate.tool.inflight}: permits held now;</li>
 * <li>{@code toolgate.tool.waiting}: calls waiting for a permit now;</li>
 * <li>{@code toolgate.tool.concurrency.limit}: the tool's {@code max-concurrency}.</li>
 * </ul>
 * It also registers each tool's {@code toolgate.tool.retries} counter at zero, so that
 * retry rates exist before the first retry. A tool that leaves the registry (its MCP
 * server went away or changed it) takes its gauges with it; its counter stays.
 */
public final class ToolBulkheadMetrics implements MeterBinder {

	private final ToolRegistry registry;

	/**
	 * Creates the binder.
	 * @param registry the tools, followed as they change
	 */
	public ToolBulkheadMetrics(ToolRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		// Each tool's gauges, to remove when it leaves; changes arrive one at a time,
		// under the registry's lock.
		Map<RegisteredTool, List<Meter>> gauges = new IdentityHashMap<>();
		this.registry.subscribe((added, removed) -> {
			for (RegisteredTool tool : removed) {
				gauges.getOrDefault(tool, List.of()).forEach(meters::remove);
				gauges.remove(tool);
			}
			for (RegisteredTool tool : added) {
				gauges.put(tool, bind(tool, meters));
			}
		});
	}

	private static List<Meter> bind(RegisteredTool tool, MeterRegistry meters) {
		String name = tool.spec().name();
		Counter.builder("toolgate.tool.retries")
			.description("Tool call attempts after the first")
			.tag("tool", name)
			.register(meters);
		return List.of(
				Gauge.builder("toolgate.tool.inflight", tool.bulkhead(), ToolBulkhead::inFlight)
					.description("Tool executions holding a bulkhead permit")
					.tag("tool", name)
					.register(meters),
				Gauge.builder("toolgate.tool.waiting", tool.bulkhead(), ToolBulkhead::waiting)
					.description("Tool calls waiting for a bulkhead permit")
					.tag("tool", name)
					.register(meters),
				Gauge.builder("toolgate.tool.concurrency.limit", tool, (t) -> t.spec().maxConcurrency())
					.description("The bulkhead bound of the tool")
					.tag("tool", name)
					.register(meters));
	}

}
