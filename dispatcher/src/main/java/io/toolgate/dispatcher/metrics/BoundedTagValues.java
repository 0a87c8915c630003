package io.toolgate.dispatcher.metrics;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Caps the distinct values of one label: the first {@code max} distinct values pass, any
 * later one becomes {@value #OTHER}. Used for values a client chooses (the requested
 * model), so that no client can grow the number of series without bound.
 */
final class BoundedTagValues {

	/** The value that stands for every value beyond the cap. */
	static final String OTHER = "other";

	private static final int MAX_VALUE_LENGTH = 64;

	private final int max;

	private final Set<String> seen = ConcurrentHashMap.newKeySet();

	BoundedTagValues(int max) {
		this.max = max;
	}

	String bound(String value) {
		if (value.length() > MAX_VALUE_LENGTH) {
			return OTHER;
		}
		if (this.seen.contains(value)) {
			return value;
		}
		// Racing first sightings may pass the cap by a few values; the bound stays
		// finite.
		if (this.seen.size() >= this.max) {
			return OTHER;
		}
		this.seen.add(value);
		return value;
	}

}
