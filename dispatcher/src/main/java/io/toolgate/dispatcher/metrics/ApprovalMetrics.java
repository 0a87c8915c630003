package io.toolgate.dispatcher.metrics;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Approval gate meters, registered at start-up so that the series exist before the first
 * decision:
 * <ul>
 * <li>{@code toolgate.approvals.pending}: the approvals of every tenant waiting for a
 * decision, as this replica's expiry sweep last counted them in the store (every replica
 * reports the same store-wide number: aggregate with {@code max}, not {@code sum});</li>
 * <li>{@code toolgate.approval.decisions}, labelled {@code decision} ({@code approved},
 * {@code edited}, {@code rejected}, {@code expired}): decisions taken on this
 * replica.</li>
 * </ul>
 */
public final class ApprovalMetrics implements MeterBinder {

	private static final List<String> DECISIONS = List.of("approved", "edited", "rejected", "expired");

	private final AtomicLong pending = new AtomicLong();

	private final Map<String, Counter> decisions = new ConcurrentHashMap<>();

	@Override
	public void bindTo(MeterRegistry meters) {
		Gauge.builder("toolgate.approvals.pending", this.pending, AtomicLong::get)
			.description("Approvals of every tenant waiting for a reviewer's decision, as last counted in the store")
			.register(meters);
		for (String decision : DECISIONS) {
			this.decisions.put(decision,
					Counter.builder("toolgate.approval.decisions")
						.description("Decisions on tool calls held for approval, taken on this replica")
						.tag("decision", decision)
						.register(meters));
		}
	}

	/**
	 * Counts a decision.
	 * @param decision {@code approved}, {@code edited}, {@code rejected} or
	 * {@code expired}
	 */
	public void decided(String decision) {
		Counter counter = this.decisions.get(decision);
		if (counter != null) {
			counter.increment();
		}
	}

	/**
	 * Records the store-wide count of pending approvals.
	 * @param count the count
	 */
	public void pending(long count) {
		this.pending.set(count);
	}

}
