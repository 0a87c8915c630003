package io.toolgate.loadtest;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How long a simulated tool takes: a fixed latency, uniform between two bounds, or
 * log-normal given its median and 99th percentile (the shape real tool latencies tend to
 * have).
 *
 * @param kind the shape
 * @param first the fixed latency, the lower bound, or the median
 * @param second unused for {@link Kind#FIXED}, else the upper bound or the 99th
 * percentile
 */
public record LatencyDistribution(Kind kind, Duration first, Duration second) {

	/** The z-score of the 99th percentile of a standard normal distribution. */
	private static final double Z99 = 2.3263478740408408;

	/** The shapes. */
	public enum Kind {

		/** Always {@code first}. */
		FIXED,
		/** Uniform in {@code first..second}. */
		UNIFORM,
		/** Log-normal with median {@code first} and 99th percentile {@code second}. */
		LOGNORMAL

	}

	/**
	 * Validates the distribution.
	 * @throws IllegalArgumentException if a duration is negative or the bounds are
	 * reversed
	 */
	public LatencyDistribution {
		if (first.isNegative() || second.isNegative()) {
			throw new IllegalArgumentException("latencies must not be negative");
		}
		if (kind != Kind.FIXED && second.compareTo(first) < 0) {
			throw new IllegalArgumentException("the second bound must not be below the first");
		}
		if (kind == Kind.LOGNORMAL && first.isZero()) {
			throw new IllegalArgumentException("a log-normal median must be positive");
		}
	}

	/** Returns a fixed latency. */
	public static LatencyDistribution fixed(Duration latency) {
		return new LatencyDistribution(Kind.FIXED, latency, latency);
	}

	/** Returns a latency uniform between {@code min} and {@code max}. */
	public static LatencyDistribution uniform(Duration min, Duration max) {
		return new LatencyDistribution(Kind.UNIFORM, min, max);
	}

	/** Returns a log-normal latency with the given median and 99th percentile. */
	public static LatencyDistribution logNormal(Duration median, Duration p99) {
		return new LatencyDistribution(Kind.LOGNORMAL, median, p99);
	}

	/**
	 * Parses {@code fixed:100}, {@code uniform:50:150} or {@code lognormal:50:400}
	 * (milliseconds).
	 * @param text the specification
	 * @return the distribution
	 * @throws IllegalArgumentException if the text is not one of these forms
	 */
	public static LatencyDistribution parse(String text) {
		String[] parts = text.split(":");
		try {
			return switch (parts[0]) {
				case "fixed" -> fixed(millis(parts, 1));
				case "uniform" -> uniform(millis(parts, 1), millis(parts, 2));
				case "lognormal" -> logNormal(millis(parts, 1), millis(parts, 2));
				default -> throw new IllegalArgumentException("unknown latency distribution: " + text);
			};
		}
		catch (ArrayIndexOutOfBoundsException | NumberFormatException ex) {
			throw new IllegalArgumentException("latency looks like fixed:MS, uniform:MIN:MAX or lognormal:MEDIAN:P99",
					ex);
		}
	}

	private static Duration millis(String[] parts, int index) {
		return Duration.ofMillis(Long.parseLong(parts[index]));
	}

	/**
	 * Draws one latency.
	 * @param random the source of randomness, e.g. {@code ThreadLocalRandom.current()}
	 * @return the latency, never negative
	 */
	public Duration draw(RandomGenerator random) {
		return switch (this.kind) {
			case FIXED -> this.first;
			case UNIFORM -> Duration.ofNanos(this.first.toNanos()
					+ (long) (random.nextDouble() * (this.second.toNanos() - this.first.toNanos())));
			case LOGNORMAL -> Duration.ofNanos((long) (this.first.toNanos() * Math.exp(sigma() * gaussian(random))));
		};
	}

	private double sigma() {
		return Math.log((double) this.second.toNanos() / this.first.toNanos()) / Z99;
	}

	private static double gaussian(RandomGenerator random) {
		// Box-Muller; 1 - u keeps the logarithm finite.
		double u = 1.0 - random.nextDouble();
		double v = random.nextDouble();
		return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
	}

	@Override
	public String toString() {
		return switch (this.kind) {
			case FIXED -> "fixed " + this.first.toMillis() + " ms";
			case UNIFORM -> "uniform " + this.first.toMillis() + ".." + this.second.toMillis() + " ms";
			case LOGNORMAL ->
				"log-normal median " + this.first.toMillis() + " ms, p99 " + this.second.toMillis() + " ms";
		};
	}

}
