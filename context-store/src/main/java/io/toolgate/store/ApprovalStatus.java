package io.toolgate.store;

import java.util.Locale;

/** Where an {@link Approval} stands. */
public enum ApprovalStatus {

	/** No decision yet. */
	PENDING,

	/** Approved: the call runs with its arguments. */
	APPROVED,

	/** Approved with edited arguments: the call runs with those. */
	EDITED,

	/** Rejected: the call does not run. */
	REJECTED,

	/** No decision before it expired: the call does not run. */
	EXPIRED;

	/** The lower-case name used in the store and the API, e.g. {@code approved}. */
	public String wireName() {
		return name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Parses a {@link #wireName()}.
	 * @param value the name
	 * @return the status
	 * @throws IllegalArgumentException if the value names no status
	 */
	public static ApprovalStatus of(String value) {
		return valueOf(value.toUpperCase(Locale.ROOT));
	}

	/** Whether the held call runs. */
	public boolean runs() {
		return this == APPROVED || this == EDITED;
	}

}
