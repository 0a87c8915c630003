package io.toolgate.dispatcher.metrics;

import java.util.List;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * Spend metrics.
 * <ul>
 * <li>{@code toolgate.spend.cost} (counter, in the price table's currency, {@code model},
 * optionally {@code tenant}): what settled model calls cost.</li>
 * <li>{@code toolgate.spend.refusals} (counter, {@code budget}): model calls refused
 * because they would exceed a budget ({@code tenant_daily}, {@code tenant_monthly},
 * {@code conversation}).</li>
 * </ul>
 * Model names are capped at {@value #MAX_MODEL_VALUES} values, the rest counted as
 * {@code other}.
 */
public final class SpendMetrics {

	/** Most distinct {@code model} label values. */
	static final int MAX_MODEL_VALUES = 50;

	private final MeterRegistry registry;

	private final boolean tenantLabel;

	private final BoundedTagValues models = new BoundedTagValues(MAX_MODEL_VALUES);

	private final MeterCache<Counter> costs = new MeterCache<>();

	private final MeterCache<Counter> refusals = new MeterCache<>();

	/**
	 * Creates the metrics.
	 * @param registry where they are registered
	 * @param tenantLabel whether {@code toolgate.spend.cost} carries a {@code tenant}
	 * label
	 */
	public SpendMetrics(MeterRegistry registry, boolean tenantLabel) {
		this.registry = registry;
		this.tenantLabel = tenantLabel;
		// Every budget's refusals exist from the start, at zero, so that dashboards see
		// a series before the first refusal.
		for (String budget : List.of("tenant_daily", "tenant_monthly", "conversation")) {
			refusalCounter(budget);
		}
	}

	/**
	 * Counts what a settled model call cost.
	 * @param tenant the tenant, labelled only when configured
	 * @param model the model
	 * @param micros the cost in micro-units
	 */
	public void spent(String tenant, String model, long micros) {
		String modelValue = this.models.bound(model);
		String tenantValue = this.tenantLabel ? tenant : "";
		this.costs.get(List.of(modelValue, tenantValue), () -> {
			Tags tags = Tags.of("model", modelValue);
			if (this.tenantLabel) {
				tags = tags.and("tenant", tenant);
			}
			return Counter.builder("toolgate.spend.cost")
				.description("What settled model calls cost, in the price table's currency")
				.tags(tags)
				.register(this.registry);
		}).increment(micros / 1_000_000.0);
	}

	/**
	 * Counts a refused model call.
	 * @param budget the budget it would have exceeded
	 */
	public void refused(String budget) {
		refusalCounter(budget).increment();
	}

	private Counter refusalCounter(String budget) {
		return this.refusals.get(List.of(budget),
				() -> Counter.builder("toolgate.spend.refusals")
					.description("Model calls refused because they would exceed a spend budget")
					.tag("budget", budget)
					.register(this.registry));
	}

}
