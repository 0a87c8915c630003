package io.toolgate.dispatcher.policy;

/** What rate limiting does while the distributed backend (Redis) cannot be reached. */
public enum BackendFailurePolicy {

	/**
	 * Keep limiting with buckets local to each replica: the fleet then admits up to the
	 * number of replicas times each limit. Availability over precision.
	 */
	FAIL_OPEN("fail-open"),

	/**
	 * Refuse what needs a limit: requests get 503 {@code rate_limiter_unavailable}, tool
	 * calls a retryable error.
	 */
	FAIL_CLOSED("fail-closed");

	private final String tag;

	BackendFailurePolicy(String tag) {
		this.tag = tag;
	}

	/** The policy's name in configuration and metrics, e.g. {@code fail-open}. */
	public String tag() {
		return this.tag;
	}

}
