package io.toolgate.dispatcher.tool;

import io.toolgate.store.AuditRecord;
import reactor.core.publisher.Mono;

/**
 * Where the caller of {@link ToolDispatcher#dispatch(ToolInvocation, ToolResultStore)}
 * keeps a call's result before it is returned (its idempotency record). It is handed to
 * the {@link ToolCallAuditor}, so that the call's audit record can be written with the
 * result in one write instead of two.
 */
public interface ToolResultStore {

	/**
	 * Keeps the result alone.
	 * @param result the result
	 * @return completion; errors with the store's failure
	 */
	Mono<Void> store(ToolResult result);

	/**
	 * Whether {@link #storeWith} writes the audit record with the result; if not, the
	 * auditor writes its record itself and calls {@link #store}.
	 * @return whether records travel with results
	 */
	boolean storesRecords();

	/**
	 * Keeps the result and appends the call's audit record in one write.
	 * @param result the result
	 * @param record the call's audit record
	 * @return the record's id once both are written; errors with the store's failure, and
	 * then neither may have been written
	 */
	Mono<String> storeWith(ToolResult result, AuditRecord record);

}
