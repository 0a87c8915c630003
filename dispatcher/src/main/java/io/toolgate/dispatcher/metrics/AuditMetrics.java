package io.toolgate.dispatcher.metrics;

import java.util.EnumMap;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.store.AuditRecord;

/**
 * Audit trail writes: {@code toolgate.audit.writes}, labelled {@code kind}
 * ({@code tool_execution}, {@code approval_decision}, {@code budget_refusal}) and
 * {@code outcome} ({@code ok} or {@code failed}), every series registered at start-up.
 */
public final class AuditMetrics {

	private final Map<AuditRecord.Kind, Counter> written = new EnumMap<>(AuditRecord.Kind.class);

	private final Map<AuditRecord.Kind, Counter> failed = new EnumMap<>(AuditRecord.Kind.class);

	/**
	 * Registers the counters.
	 * @param meters the registry
	 */
	public AuditMetrics(MeterRegistry meters) {
		for (AuditRecord.Kind kind : AuditRecord.Kind.values()) {
			this.written.put(kind, counter(meters, kind, "ok"));
			this.failed.put(kind, counter(meters, kind, "failed"));
		}
	}

	/**
	 * A record was written.
	 * @param kind its kind
	 */
	public void written(AuditRecord.Kind kind) {
		this.written.get(kind).increment();
	}

	/**
	 * A record could not be written.
	 * @param kind its kind
	 */
	public void failed(AuditRecord.Kind kind) {
		this.failed.get(kind).increment();
	}

	private static Counter counter(MeterRegistry meters, AuditRecord.Kind kind, String outcome) {
		return Counter.builder("toolgate.audit.writes")
			.description("Audit records written (outcome ok) or lost (outcome failed)")
			.tags("kind", kind.wireName(), "outcome", outcome)
			.register(meters);
	}

}
