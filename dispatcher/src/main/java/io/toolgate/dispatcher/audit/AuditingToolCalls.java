package io.toolgate.dispatcher.audit;

import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolCallAuditor;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.dispatcher.tool.ToolResult;
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
		ToolResult.Error error = result.error();
		String outcome = (error == null) ? "ok" : error.type();
		String decision = (result.attempts() > 0) ? "allowed" : "denied";
		return Mono.deferContextual(context -> this.trail
			.appendOrWarn(record(invocation, AuditContext.of(context), decision, outcome, result.duration().toMillis()))
			.thenReturn(result));
	}

	private AuditRecord record(ToolInvocation invocation, AuditContext context, String decision, String outcome,
			long durationMs) {
		return this.trail.record(AuditRecord.Kind.TOOL_EXECUTION, invocation.tenant(), context, invocation.callId(),
				invocation.toolName(), invocation.arguments(), decision, outcome, durationMs);
	}

}
