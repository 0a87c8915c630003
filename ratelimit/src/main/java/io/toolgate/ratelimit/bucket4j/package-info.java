/**
 * Bucket4j implementations of {@link io.toolgate.ratelimit.RateLimiter}: local buckets
 * for a single replica ({@link io.toolgate.ratelimit.bucket4j.LocalBucket4jRateLimiter}),
 * and buckets in Redis shared by the fleet
 * ({@link io.toolgate.ratelimit.bucket4j.Bucket4jRateLimiter}, over a Lettuce standalone
 * or cluster connection, with a Bucket4j proxy manager of its own that decides in one
 * compare-and-swap script per round trip).
 */
@NullMarked
package io.toolgate.ratelimit.bucket4j;

import org.jspecify.annotations.NullMarked;
