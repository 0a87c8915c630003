/**
 * Test fixtures of the rate-limit module: a private Redis with its Lettuce client per
 * test class, a clock moved by hand, and a {@code MONITOR} feed that counts the commands
 * clients send to a private {@code redis-server}, i.e. the round trips a limiter makes.
 */
@NullMarked
package io.toolgate.ratelimit.support;

import org.jspecify.annotations.NullMarked;
