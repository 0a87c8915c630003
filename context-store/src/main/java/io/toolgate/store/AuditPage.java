package io.toolgate.store;

import java.util.List;

import org.jspecify.annotations.Nullable;

/**
 * A page of a tenant's audit records, oldest first.
 *
 * @param records the records, at most the query's limit; with a tool filter a page may
 * hold fewer even when more follow, as one read scans a bounded number of records
 * @param nextCursor where the next page starts ({@link AuditQuery#after()}), or
 * {@code null} when the log was read to its end
 */
public record AuditPage(List<StoredAuditRecord> records, @Nullable String nextCursor) {

	/**
	 * Copies the list.
	 */
	public AuditPage {
		records = List.copyOf(records);
	}

}
