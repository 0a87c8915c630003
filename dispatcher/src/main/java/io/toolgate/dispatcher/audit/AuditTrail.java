package io.toolgate.dispatcher.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.toolgate.dispatcher.metrics.AuditMetrics;
import io.toolgate.store.AuditLog;
import io.toolgate.store.AuditPage;
import io.toolgate.store.AuditQuery;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.StoreUnavailableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The audit trail's API: builds records (time, replica, arguments hash and, when
 * configured, the arguments) and appends them to the {@link AuditLog}, each write bounded
 * by the policy's timeout and counted. Callers choose the failure policy: {@link #append}
 * fails closed (the caller must not go on), {@link #appendOrWarn} fails open (logged at
 * WARN, counted, the caller goes on).
 * <p>
 * Approval decisions are recorded as {@link AuditRecord.Kind#APPROVAL_DECISION} with the
 * decision ({@code approved}, {@code rejected}, {@code edited}, {@code expired}) and the
 * call's tool, call id and arguments (the edited ones for {@code edited}), outcome
 * {@code decided} and the details {@code approval_id} and {@code reason} (only when
 * arguments are recorded) or {@code reason_hash}; budget refusals as
 * {@link AuditRecord.Kind#BUDGET_REFUSAL} with decision {@code refused}, outcome
 * {@code not_executed} and the details {@code budget}, {@code limit} and {@code used}.
 */
public final class AuditTrail {

	/**
	 * The most characters of arguments a record keeps; longer ones are cut and end in
	 * {@code …}, so that a log of capped length is capped in size too. The hash covers
	 * the whole arguments.
	 */
	public static final int MAX_RECORDED_ARGUMENTS_CHARS = 4096;

	private static final Logger logger = LoggerFactory.getLogger(AuditTrail.class);

	private final AuditLog log;

	private final AuditPolicy policy;

	private final AuditMetrics metrics;

	private final Clock clock;

	/**
	 * Creates the trail.
	 * @param log where records go
	 * @param policy timeouts, arguments, replica name and fail-closed tiers
	 * @param metrics counts writes and failures
	 * @param clock stamps records
	 */
	public AuditTrail(AuditLog log, AuditPolicy policy, AuditMetrics metrics, Clock clock) {
		this.log = log;
		this.policy = policy;
		this.metrics = metrics;
		this.clock = clock;
	}

	/** The policy the trail was built with. */
	public AuditPolicy policy() {
		return this.policy;
	}

	/**
	 * A record of an action, stamped now by this replica.
	 * @param kind what is recorded
	 * @param tenant the tenant
	 * @param context key, conversation and turn
	 * @param callId the tool call id, or {@code null}
	 * @param tool the tool name, or {@code null}
	 * @param arguments the arguments as given, or {@code null}; hashed, and kept only
	 * when configured
	 * @param decision what was decided
	 * @param outcome how it ended
	 * @param durationMs how long it took
	 * @return the record
	 */
	public AuditRecord record(AuditRecord.Kind kind, String tenant, AuditContext context, @Nullable String callId,
			@Nullable String tool, @Nullable String arguments, String decision, String outcome, long durationMs) {
		return record(kind, tenant, context, callId, tool, arguments, decision, outcome, durationMs, Map.of());
	}

	/**
	 * A record of an action with details, stamped now by this replica.
	 * @param kind what is recorded
	 * @param tenant the tenant
	 * @param context key, conversation and turn
	 * @param callId the tool call id, or {@code null}
	 * @param tool the tool name, or {@code null}
	 * @param arguments the arguments as given, or {@code null}; hashed, and kept only
	 * when configured
	 * @param decision what was decided
	 * @param outcome how it ended
	 * @param durationMs how long it took
	 * @param details what else the kind records
	 * @return the record
	 */
	public AuditRecord record(AuditRecord.Kind kind, String tenant, AuditContext context, @Nullable String callId,
			@Nullable String tool, @Nullable String arguments, String decision, String outcome, long durationMs,
			Map<String, String> details) {
		return new AuditRecord(this.clock.instant(), kind, tenant, context.keyId(), context.conversationId(),
				context.turnId(), callId, tool, (arguments != null) ? hash(arguments) : null,
				(arguments != null && this.policy.recordArguments()) ? bounded(arguments) : null, decision, outcome,
				Math.max(0, durationMs), this.policy.replica(), details);
	}

	/**
	 * A reviewer's reason as a record keeps it: the text itself (capped like arguments)
	 * when arguments are recorded, else its hash.
	 * @param reason the reason
	 * @return the detail's name ({@code reason} or {@code reason_hash}) and value
	 */
	public Map.Entry<String, String> reason(String reason) {
		return this.policy.recordArguments() ? Map.entry("reason", bounded(reason))
				: Map.entry("reason_hash", hash(reason));
	}

	/**
	 * Appends a record, failing closed.
	 * @param record the record
	 * @return the record's id; errors with {@link StoreUnavailableException} if it could
	 * not be written within the timeout
	 */
	public Mono<String> append(AuditRecord record) {
		return Mono.defer(() -> this.log.append(record))
			.timeout(this.policy.timeout())
			.onErrorMap(TimeoutException.class,
					ex -> new StoreUnavailableException(
							"The audit log did not answer within " + this.policy.timeout().toMillis() + " ms", ex))
			.doOnSuccess(id -> this.metrics.written(record.kind()))
			.doOnError(ex -> this.metrics.failed(record.kind()));
	}

	/**
	 * Appends a record, failing open: a failure is logged at WARN and counted (as
	 * {@link #append} counts it), and the returned signal completes either way.
	 * @param record the record
	 * @return completion, once written or given up
	 */
	public Mono<Void> appendOrWarn(AuditRecord record) {
		return append(record).onErrorResume(ex -> {
			logger.warn("Audit record of {} {} for tenant {} (call {}) was not written: {}", record.kind().wireName(),
					record.tool(), record.tenant(), record.callId(), ex.toString());
			return Mono.empty();
		}).then();
	}

	/**
	 * Appends a record through another write that carries it (e.g. a tool call's result
	 * and its record in one script), counted as {@link #append} counts it; a failure is
	 * also logged at WARN, and is returned: the write carried more than the record.
	 * @param record the record
	 * @param write writes the record and what it travels with, bounded by its own timeout
	 * @return completion, once written; errors with the write's failure
	 */
	public Mono<Void> appendWith(AuditRecord record, Function<AuditRecord, Mono<String>> write) {
		return Mono.defer(() -> write.apply(record))
			.doOnSuccess(id -> this.metrics.written(record.kind()))
			.doOnError(ex -> {
				this.metrics.failed(record.kind());
				logger.warn("Audit record of {} {} for tenant {} (call {}) was not written: {}",
						record.kind().wireName(), record.tool(), record.tenant(), record.callId(), ex.toString());
			})
			.then();
	}

	/**
	 * Reads a page of a tenant's records, bounded by the timeout.
	 * @param tenant the tenant
	 * @param query which records
	 * @return the page; errors with {@link StoreUnavailableException} if the log cannot
	 * be read in time
	 */
	public Mono<AuditPage> read(String tenant, AuditQuery query) {
		return Mono.defer(() -> this.log.read(tenant, query))
			.timeout(this.policy.timeout())
			.onErrorMap(TimeoutException.class, ex -> new StoreUnavailableException(
					"The audit log did not answer within " + this.policy.timeout().toMillis() + " ms", ex));
	}

	private static String bounded(String arguments) {
		return (arguments.length() <= MAX_RECORDED_ARGUMENTS_CHARS) ? arguments
				: arguments.substring(0, MAX_RECORDED_ARGUMENTS_CHARS) + "…";
	}

	/**
	 * The arguments hash records carry: {@code sha256:} and the hex SHA-256 of the text.
	 * @param arguments the arguments as given
	 * @return the hash
	 */
	public static String hash(String arguments) {
		try {
			return "sha256:" + HexFormat.of()
				.formatHex(MessageDigest.getInstance("SHA-256").digest(arguments.getBytes(StandardCharsets.UTF_8)));
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is not available", ex);
		}
	}

}
