package io.toolgate.store;

/**
 * An audit record as its log stored it.
 *
 * @param id its id in the tenant's log, {@code <milliseconds>-<sequence>}: ids grow with
 * every append, and one is a {@link AuditQuery#after() cursor}
 * @param record the record
 */
public record StoredAuditRecord(String id, AuditRecord record) {
}
