package io.toolgate.ratelimit;

import reactor.core.publisher.Mono;

/**
 * Consumes tokens from named buckets. Non-blocking and lazy: nothing happens until
 * subscription.
 */
public interface RateLimiter {

	/**
	 * Tries to consume tokens.
	 * @param key the bucket
	 * @param spec the bucket's capacity and refill; the same key must always be used with
	 * the same spec
	 * @param tokens how many tokens, at least 1
	 * @return the decision; errors with {@link RateLimiterUnavailableException} if a
	 * distributed backend cannot be reached (callers apply their fail-open or fail-closed
	 * policy)
	 */
	Mono<RateLimitDecision> tryConsume(LimitKey key, LimitSpec spec, long tokens);

	/**
	 * Corrects a bucket after the fact, e.g. when the actual cost of an operation differs
	 * from the estimate that was consumed before it. A positive {@code delta} consumes
	 * that many tokens unconditionally: the bucket may go into debt, and later attempts
	 * wait until it is repaid. A negative {@code delta} returns tokens, never beyond the
	 * capacity; a distributed implementation may hold them for a bounded time and apply
	 * them together with the bucket's next consumption (so the bucket briefly holds fewer
	 * tokens than it should, never more). Zero does nothing.
	 * @param key the bucket
	 * @param spec the bucket's capacity and refill, as used with {@link #tryConsume}
	 * @param delta tokens to take (positive) or give back (negative)
	 * @return completes when the bucket is corrected, or when returned tokens are held;
	 * errors with {@link RateLimiterUnavailableException} if a distributed backend cannot
	 * be reached
	 */
	Mono<Void> adjust(LimitKey key, LimitSpec spec, long delta);

}
