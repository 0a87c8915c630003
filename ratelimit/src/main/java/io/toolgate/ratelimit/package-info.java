/**
 * Token-bucket rate limits behind one reactive interface. A decision is a value
 * ({@link io.toolgate.ratelimit.RateLimitDecision}), never an exception; the web edge
 * turns a denial into 429.
 */
@NullMarked
package io.toolgate.ratelimit;

import org.jspecify.annotations.NullMarked;
