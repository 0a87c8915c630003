package io.toolgate.store;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Which audit records of a tenant to read, oldest first.
 *
 * @param since the earliest time of the records, or {@code null} for the oldest kept
 * @param tool only the records of this tool, or {@code null} for all
 * @param limit the most records of one page, 1 to {@value #MAX_LIMIT}
 * @param after the cursor: only records after the record with this id (a page's
 * {@link AuditPage#nextCursor()}), or {@code null}; it wins over {@code since}
 */
public record AuditQuery(@Nullable Instant since, @Nullable String tool, int limit, @Nullable String after) {

	/** The largest page. */
	public static final int MAX_LIMIT = 1000;

	/** The fewest records one read of a filtered query scans. */
	public static final int SCAN_BOUND = 1000;

	private static final Pattern ID = Pattern.compile("^[0-9]{1,18}-[0-9]{1,18}$");

	/**
	 * Checks the bounds.
	 * @throws IllegalArgumentException if the limit is out of range or the cursor is not
	 * a record id
	 */
	public AuditQuery {
		if (limit < 1 || limit > MAX_LIMIT) {
			throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
		}
		if (after != null && !isId(after)) {
			throw new IllegalArgumentException("cursor must be a record id such as 1733000000000-0");
		}
	}

	/**
	 * Whether a text has the form of a record id.
	 * @param text the text
	 * @return whether it is {@code <digits>-<digits>}
	 */
	public static boolean isId(String text) {
		return ID.matcher(text).matches();
	}

	/**
	 * The smallest record id a page may start at: just after the cursor, else the first
	 * id of {@code since}'s millisecond, else {@code 0-0}.
	 * @return the id, inclusive
	 */
	public String firstId() {
		if (this.after != null) {
			int dash = this.after.indexOf('-');
			long millis = Long.parseLong(this.after.substring(0, dash));
			long sequence = Long.parseLong(this.after.substring(dash + 1));
			return millis + "-" + (sequence + 1);
		}
		return (this.since != null) ? Math.max(0, this.since.toEpochMilli()) + "-0" : "0-0";
	}

	/**
	 * How many records one read scans: the limit when there is no filter, else at least
	 * {@link #SCAN_BOUND}.
	 * @return the count
	 */
	public int scanCount() {
		return (this.tool == null) ? this.limit : Math.max(this.limit, SCAN_BOUND);
	}

	/**
	 * The page of the records one read scanned: those that match, up to the limit, and
	 * the cursor after the last one taken, or after the last one scanned when the scan
	 * was full, else none (the log's end was reached).
	 * @param scanned the records from {@link #firstId()} on, oldest first, at most
	 * {@link #scanCount()}
	 * @return the page
	 */
	public AuditPage page(List<StoredAuditRecord> scanned) {
		List<StoredAuditRecord> taken = new ArrayList<>();
		for (StoredAuditRecord stored : scanned) {
			if (matches(stored.record())) {
				taken.add(stored);
				if (taken.size() == this.limit) {
					return new AuditPage(taken, stored.id());
				}
			}
		}
		boolean full = scanned.size() >= scanCount();
		return new AuditPage(taken, full ? scanned.get(scanned.size() - 1).id() : null);
	}

	/**
	 * Whether a record belongs to the page's filter.
	 * @param record the record
	 * @return whether it matches {@link #tool()}
	 */
	public boolean matches(AuditRecord record) {
		return this.tool == null || this.tool.equals(record.tool());
	}

}
