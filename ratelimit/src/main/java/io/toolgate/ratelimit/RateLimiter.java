package io.toolgate.ratelimit;

import reactor.core.publisher.Mono;

/** Consumes tokens from named buckets. Non-blocking and lazy. */
public interface RateLimiter {

	/**
	 * Tries to consume tokens.
	 * @param key the bucket
	 * @param spec the bucket's capacity and refill; the same key must always be used with the same spec
	 * @param tokens how many tokens, at least 1
	 * @return the decision; errors with {@link RateLimiterUnavailableException} if a distributed backend cannot
	 * be reached (callers apply their fail-open or fail-closed policy)
	 */
	Mono<RateLimitDecision> tryConsume(LimitKey key, LimitSpec spec, long tokens);

}
