/**
 * Gatling simulations (Java DSL). Each takes its parameters from system properties, has a
 * maximum duration, and asserts the volume it expects as well as zero failures, so a
 * stalled stream fails the run instead of passing it.
 */
@NullMarked
package io.toolgate.loadtest.simulation;

import org.jspecify.annotations.NullMarked;
