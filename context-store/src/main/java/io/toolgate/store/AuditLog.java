package io.toolgate.store;

import reactor.core.publisher.Mono;

/**
 * The audit trail: per tenant, a log of records capped in length (the oldest go first)
 * that is appended to and read in pages. Every method is non-blocking and lazy, and
 * errors with {@link StoreUnavailableException} if the backing store cannot be reached in
 * time.
 */
public interface AuditLog {

	/**
	 * Appends a record to its tenant's log.
	 * @param record the record
	 * @return the record's id, once it is stored
	 */
	Mono<String> append(AuditRecord record);

	/**
	 * Reads a page of a tenant's records, oldest first. One read scans
	 * {@link AuditQuery#scanCount()} records, so a page filtered by tool may be short and
	 * still have a next cursor.
	 * @param tenant the tenant; no other tenant's record is ever returned
	 * @param query which records
	 * @return the page
	 */
	Mono<AuditPage> read(String tenant, AuditQuery query);

}
