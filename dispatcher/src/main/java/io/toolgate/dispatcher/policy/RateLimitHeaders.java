package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;

/**
 * The {@code RateLimit-Policy} and {@code RateLimit} response fields of the IETF draft
 * "RateLimit header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers): a
 * structured-field list item per policy, named by a string. <pre>
 * RateLimit-Policy: "requests";q=600;w=60
 * RateLimit: "requests";r=599;t=1
 * </pre> {@code q} is the bucket's capacity and {@code w} its refill period in seconds.
 * {@code r} is what remains; {@code t} is, for an admitted request, the seconds until the
 * bucket is full again, and for a denied one, the seconds until it could be admitted (the
 * same as {@code Retry-After}). Seconds are rounded up.
 */
public final class RateLimitHeaders {

	/** The field that describes the quota policy. */
	public static final String POLICY = "RateLimit-Policy";

	/** The field that describes the current state of the quota. */
	public static final String STATE = "RateLimit";

	private RateLimitHeaders() {
	}

	/**
	 * Returns both fields for a decision.
	 * @param spec the bucket the decision came from; its name names the policy
	 * @param decision the decision
	 * @return the two fields by name
	 */
	public static Map<String, String> of(LimitSpec spec, RateLimitDecision decision) {
		return Map.of(POLICY, policy(spec), STATE, state(spec, decision));
	}

	/**
	 * Formats the {@code RateLimit-Policy} value of a bucket.
	 * @param spec the bucket
	 * @return e.g. {@code "requests";q=600;w=60}
	 */
	public static String policy(LimitSpec spec) {
		return "\"" + spec.name() + "\";q=" + spec.capacity() + ";w=" + ceilSeconds(spec.period());
	}

	/**
	 * Formats the {@code RateLimit} value of a decision.
	 * @param spec the bucket
	 * @param decision the decision
	 * @return e.g. {@code "requests";r=0;t=12}
	 */
	public static String state(LimitSpec spec, RateLimitDecision decision) {
		Duration reset = decision.allowed() ? decision.resetAfter() : decision.retryAfter();
		return "\"" + spec.name() + "\";r=" + decision.remaining() + ";t=" + ceilSeconds(reset);
	}

	/**
	 * Rounds a duration up to whole seconds, as {@code Retry-After} and {@code t} need.
	 * @param duration the duration
	 * @return whole seconds, at least 0
	 */
	public static long ceilSeconds(Duration duration) {
		if (duration.isNegative() || duration.isZero()) {
			return 0;
		}
		long seconds = duration.getSeconds();
		return (duration.getNano() > 0) ? seconds + 1 : seconds;
	}

	/**
	 * Returns the 429 refusal of a per-minute limit, with {@code Retry-After} and both
	 * fields.
	 * @param code the error code
	 * @param limit what is limited, as the message names it (e.g. "Request rate")
	 * @param spec the bucket
	 * @param decision the denial
	 * @return the error
	 */
	static ToolgateException exceeded(String code, String limit, LimitSpec spec, RateLimitDecision decision) {
		return new ToolgateException(ErrorType.RATE_LIMITED, code, limit + " limit of " + spec.capacity()
				+ " per minute exceeded; retry in " + ceilSeconds(decision.retryAfter()) + "s", decision.retryAfter(),
				of(spec, decision));
	}

}
