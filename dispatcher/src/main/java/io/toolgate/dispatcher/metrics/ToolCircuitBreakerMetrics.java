package io.toolgate.dispatcher.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolCircuitBreaker;
import io.toolgate.dispatcher.tool.ToolRegistry;

/**
 * Circuit breaker state of every registered tool whose breaker is enabled, declared or
 * discovered on an MCP server, each registered as the tool joins the registry so that the
 * series exist before the first transition (a tool that leaves takes its state gauges
 * with it):
 * <ul>
 * <li>{@code toolgate.tool.circuit.state}, labelled {@code tool} and {@code state}
 * ({@code closed}, {@code open}, {@code half_open}): 1 for the current state, 0 for the
 * others, read at scrape time;</li>
 * <li>{@code toolgate.tool.circuit.transitions}, labelled {@code tool}, {@code from} and
 * {@code to}: state changes, one counter per change a breaker can make.</li>
 * </ul>
 * The state is this replica's: each replica's breaker sees only its own calls.
 */
public final class ToolCircuitBreakerMetrics implements MeterBinder {

	/** The changes a tool's breaker makes, as {@code from}, {@code to} pairs. */
	private static final List<List<String>> TRANSITIONS = List.of(List.of("closed", "open"),
			List.of("open", "half_open"), List.of("half_open", "closed"), List.of("half_open", "open"));

	private final ToolRegistry registry;

	/**
	 * Creates the binder.
	 * @param registry the tools, followed as they change
	 */
	public ToolCircuitBreakerMetrics(ToolRegistry registry) {
		this.registry = registry;
	}

	@Override
	public void bindTo(MeterRegistry meters) {
		// Each tool's state gauges, to remove when it leaves; changes arrive one at a
		// time, under the registry's lock.
		Map<RegisteredTool, List<Meter>> gauges = new IdentityHashMap<>();
		this.registry.subscribe((added, removed) -> {
			for (RegisteredTool tool : removed) {
				gauges.getOrDefault(tool, List.of()).forEach(meters::remove);
				gauges.remove(tool);
			}
			for (RegisteredTool tool : added) {
				if (tool.circuitBreaker().enabled()) {
					gauges.put(tool, bind(tool.name(), tool.circuitBreaker(), meters));
				}
			}
		});
	}

	private static List<Meter> bind(String name, ToolCircuitBreaker breaker, MeterRegistry meters) {
		List<Meter> gauges = new ArrayList<>();
		for (String state : ToolCircuitBreaker.STATES) {
			gauges.add(Gauge.builder("toolgate.tool.circuit.state", breaker, (b) -> state.equals(b.state()) ? 1 : 0)
				.description("1 for the current state of the tool's circuit breaker on this replica, else 0")
				.tags("tool", name, "state", state)
				.register(meters));
		}
		Map<String, Counter> counters = new HashMap<>();
		for (List<String> transition : TRANSITIONS) {
			counters.put(key(transition.get(0), transition.get(1)),
					Counter.builder("toolgate.tool.circuit.transitions")
						.description("State changes of the tool's circuit breaker on this replica")
						.tags("tool", name, "from", transition.get(0), "to", transition.get(1))
						.register(meters));
		}
		breaker.onTransition((from, to) -> {
			Counter counter = counters.get(key(from, to));
			if (counter != null) {
				counter.increment();
			}
		});
		return gauges;
	}

	private static String key(String from, String to) {
		return from + '>' + to;
	}

}
