package io.toolgate.dispatcher.audit;

import org.jspecify.annotations.Nullable;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

/**
 * Who and what a tool call runs for, beyond its tenant: carried in the Reactor context of
 * the dispatch, written by the turn loop and the invocation handler, read by
 * {@link AuditingToolCalls}.
 *
 * @param keyId the API key id of the request, or {@code null}
 * @param conversationId the conversation, or {@code null}
 * @param turnId the turn, or {@code null}
 */
public record AuditContext(@Nullable String keyId, @Nullable String conversationId, @Nullable String turnId) {

	/** The context of a call nothing is known about. */
	public static final AuditContext NONE = new AuditContext(null, null, null);

	/**
	 * A Reactor context holding this one.
	 * @param context the context to add it to
	 * @return the context with it
	 */
	public Context writeTo(Context context) {
		return context.put(AuditContext.class, this);
	}

	/**
	 * The audit context of a Reactor context.
	 * @param context the Reactor context
	 * @return the audit context, or {@link #NONE}
	 */
	public static AuditContext of(ContextView context) {
		return context.getOrDefault(AuditContext.class, NONE);
	}

}
