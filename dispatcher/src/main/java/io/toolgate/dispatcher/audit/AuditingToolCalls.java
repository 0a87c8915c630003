package io.toolgate.dispatcher.audit;

import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolCallAuditor;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.dispatcher.tool.ToolResult;
import io.toolgate.dispatcher.tool.ToolResultStore;
import io.toolgate.store.AuditRecord;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * Records every dispatched tool call in the {@link AuditTrail}, with the key,
 * conversation and turn of the {@link AuditContext} in the dispatch's Reactor context.
 * <ul>
 * <li>Every result gets one record before it is returned: decision {@code allowed} if the
 * tool was attempted, else {@code denied}; outcome {@code ok} or the error type; failing
 * open (a failed write is logged and counted, the result stands).</li>
 * <li>A call of a tool whose risk tier fails closed ({@code toolgate.audit.fail-closed-
 * risk-tiers}, by default {@code high}) first gets a record with outcome {@code started};
 * if that write fails, the call does not run and its result is a retryable
 * {@value ToolExecutionException#AUDIT_UNAVAILABLE} error. Such a call has two records,
 * joined by its call id.</li>
 * <li>When the dispatch's caller keeps the result in a store that can take the record
 * with it ({@link ToolResultStore#storesRecords}), the record is written with the result
 * in one write; that write failing is the dispatch's failure.</li>
 * </ul>
 */
public final class AuditingToolCalls implements ToolCallAuditor {

	/** The outcome of the record written before a fail-closed call runs. */
	public static final String STARTED = "started";

	private final AuditTrail trail;

	/**
	 * Creates the auditor.
	 * @param trail where records go
	 */
	public AuditingToolCalls(AuditTrail trail) {
		this.trail = trail;
	}

	@Override
	public Mono<ToolExecutionException> beforeExecution(ToolInvocation invocation, RegisteredTool tool) {
		if (!this.trail.policy().failsClosed(tool.spec().riskTier())) {
			return Mono.empty();
		}
		return Mono.deferContextual(
				context -> this.trail.append(record(invocation, AuditContext.of(context), "allowed", STARTED, 0))
					.then(Mono.<ToolExecutionException>empty())
					.onErrorResume(ex -> Mono.just(new ToolExecutionException(ToolExecutionException.AUDIT_UNAVAILABLE,
							"Tool '" + tool.name() + "' was not run: it does not run unrecorded and the audit trail "
									+ "cannot be written right now; retry shortly",
							true))));
	}

	@Override
	public Mono<ToolResult> completed(ToolInvocation invocation, @Nullable RegisteredTool tool, ToolResult result) {
		return Mono.deferContextual(
				context -> this.trail.appendOrWarn(completedRecord(invocation, AuditContext.of(context), result))
					.thenReturn(result));
	}

	/**
	 * Writes the record with the result when the store can
	 * ({@link AuditTrail#appendWith}): one write instead of two. A failure of that write
	 * is counted and logged like any failed record, and is the dispatch's failure, as a
	 * failed store of the result alone is.
	 */
	@Override
	public Mono<ToolResult> completed(ToolInvocation invocation, @Nullable RegisteredTool tool, ToolResult result,
			ToolResultStore store) {
		if (!store.storesRecords()) {
			return ToolCallAuditor.super.completed(invocation, tool, result, store);
		}
		return Mono.deferContextual(
				(context) -> this.trail
					.appendWith(completedRecord(invocation, AuditContext.of(context), result),
							(record) -> store.storeWith(result, record))
					.thenReturn(result));
	}

	private AuditRecord completedRecord(ToolInvocation invocation, AuditContext context, ToolResult result) {
		ToolResult.Error error = result.error();
		return record(invocation, context, (result.attempts() > 0) ? "allowed" : "denied",
				(error == null) ? "ok" : error.type(), result.duration().toMillis());
	}

	private AuditRecord record(ToolInvocation invocation, AuditContext context, String decision, String outcome,
			long durationMs) {
		return this.trail.record(AuditRecord.Kind.TOOL_EXECUTION, invocation.tenant(), context, invocation.callId(),
				invocation.toolName(), invocation.arguments(), decision, outcome, durationMs);
	}

}
