/**
 * Bucket4j implementations of {@link io.toolgate.ratelimit.RateLimiter}: local buckets for a single replica, and
 * (later) distributed buckets over Lettuce.
 */
@NullMarked
package io.toolgate.ratelimit.bucket4j;

import org.jspecify.annotations.NullMarked;
