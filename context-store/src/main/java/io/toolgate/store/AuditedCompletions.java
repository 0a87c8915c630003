package io.toolgate.store;

import reactor.core.publisher.Mono;

/**
 * Stores the result of a claimed idempotency key ({@link IdempotencyStore#complete}) and
 * appends the audit record of what ran ({@link AuditLog#append}) in one step: one write
 * instead of two for a tool call that is both idempotent and audited. Non-blocking and
 * lazy; errors with {@link StoreUnavailableException} if the backing store cannot be
 * reached, and then neither may have been written.
 */
public interface AuditedCompletions {

	/**
	 * Stores the result, as {@link IdempotencyStore#complete} does (nothing if the claim
	 * is no longer held), and appends the record to its tenant's audit log either way.
	 * @param claim the claim, whose scope names the record's tenant
	 * @param resultJson the result, an opaque JSON document
	 * @param record the audit record
	 * @return the record's id, once both are stored
	 */
	Mono<String> complete(IdempotencyClaim.Claimed claim, String resultJson, AuditRecord record);

}
