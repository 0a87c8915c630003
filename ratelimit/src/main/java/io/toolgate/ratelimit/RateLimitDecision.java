package io.toolgate.ratelimit;

import java.time.Duration;

/**
 * The outcome of a consumption attempt.
 *
 * @param allowed whether the tokens were consumed
 * @param limit the bucket's capacity
 * @param remaining tokens left after this attempt
 * @param retryAfter when denied, how long until enough tokens have refilled; zero when
 * allowed
 * @param resetAfter how long until the bucket is full again
 */
public record RateLimitDecision(boolean allowed, long limit, long remaining, Duration retryAfter, Duration resetAfter) {
}
