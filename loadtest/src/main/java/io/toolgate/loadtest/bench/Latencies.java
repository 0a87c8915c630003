package io.toolgate.loadtest.bench;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * A thread-safe latency recorder in microseconds (up to one minute, 3 significant
 * digits).
 */
final class Latencies {

	private final Histogram histogram = new ConcurrentHistogram(TimeUnit.MINUTES.toMicros(1), 3);

	void recordNanos(long nanos) {
		this.histogram.recordValue(Math.min(Math.max(0, nanos / 1000), TimeUnit.MINUTES.toMicros(1)));
	}

	long count() {
		return this.histogram.getTotalCount();
	}

	/** Returns a percentile in milliseconds, e.g. {@code percentile(99)}. */
	double percentileMillis(double percentile) {
		return (this.histogram.getTotalCount() == 0) ? Double.NaN
				: this.histogram.getValueAtPercentile(percentile) / 1000.0;
	}

	double maxMillis() {
		return (this.histogram.getTotalCount() == 0) ? Double.NaN : this.histogram.getMaxValue() / 1000.0;
	}

}
