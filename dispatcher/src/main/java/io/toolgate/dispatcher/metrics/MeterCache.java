package io.toolgate.dispatcher.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Meter;

/**
 * Meters already registered, by their label values, so that recording on the hot path is
 * a map look-up instead of a builder, a tag sort and the registry's filter chain per
 * call. Every label value that reaches a key is bounded (tool names of the registry,
 * bounded model names, fixed reasons and error codes), so the cache is too. Meters are
 * never removed from the registry here, so a cached meter stays the registered one.
 *
 * @param <M> the meter type
 */
final class MeterCache<M extends Meter> {

	private final ConcurrentHashMap<List<String>, M> meters = new ConcurrentHashMap<>();

	/**
	 * Returns the meter of these label values, registering it on first use.
	 * @param labels the label values that tell meters apart, in a fixed order
	 * @param register registers the meter (idempotent in the registry)
	 * @return the meter
	 */
	M get(List<String> labels, Supplier<M> register) {
		M meter = this.meters.get(labels);
		if (meter == null) {
			meter = this.meters.computeIfAbsent(labels, (key) -> register.get());
		}
		return meter;
	}

}
