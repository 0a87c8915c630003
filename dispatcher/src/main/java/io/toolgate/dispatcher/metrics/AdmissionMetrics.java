package io.toolgate.dispatcher.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.toolgate.dispatcher.admission.AdmissionController;

/**
 * Admission state, read from the {@link AdmissionController} at scrape time:
 * <ul>
 * <li>{@code toolgate.turns.active} (gauge): admitted turns holding a permit now;</li>
 * <li>{@code toolgate.turns.limit} (gauge): the per-replica bound
 * ({@code toolgate.turn.max-concurrent-turns});</li>
 * <li>{@code toolgate.admission.rejections} (counter): turns rejected with 503, saturated
 * or draining.</li>
 * </ul>
 * Saturation is {@code toolgate_turns_active / toolgate_turns_limit}.
 */
public final class AdmissionMetrics implements MeterBinder {

	private final AdmissionController admission;

	/**
	 * Creates the binder.
	 * @param admission the controller to read
	 */
	public AdmissionMetrics(AdmissionController admission) {
		this.admission = admission;
	}

	@Override
	public void bindTo(MeterRegistry registry) {
		Gauge.builder("toolgate.turns.active", this.admission, AdmissionController::running)
			.description("Admitted turns running on this replica")
			.register(registry);
		Gauge.builder("toolgate.turns.limit", this.admission, AdmissionController::maxConcurrentTurns)
			.description("The bound on concurrent turns of this replica")
			.register(registry);
		FunctionCounter.builder("toolgate.admission.rejections", this.admission, AdmissionController::rejectedCount)
			.description("Turns rejected because the replica was saturated or draining")
			.register(registry);
	}

}
