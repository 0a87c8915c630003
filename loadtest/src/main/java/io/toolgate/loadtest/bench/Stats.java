package io.toolgate.loadtest.bench;

/**
 * Summary of one measured load: requests, failures, and latency percentiles in
 * milliseconds.
 *
 * @param requests requests completed
 * @param errors requests that failed (non-200, invalid body, connection error)
 * @param p50 median total latency
 * @param p99 99th percentile total latency
 * @param ttftP50 median time to first content
 * @param ttftP99 99th percentile time to first content
 * @param max the slowest request
 */
record Stats(long requests, long errors, double p50, double p99, double ttftP50, double ttftP99, double max) {

	static Stats of(Latencies total, Latencies firstContent, long errors) {
		return new Stats(total.count(), errors, total.percentileMillis(50), total.percentileMillis(99),
				firstContent.percentileMillis(50), firstContent.percentileMillis(99), total.maxMillis());
	}

}
