/**
 * Starting and stopping the processes a load run needs — a private {@code redis-server},
 * the simulators and Toolgate replicas started from a copy of the application jar — and
 * reading their memory. These are command-line helpers for the benchmark runner and the
 * smoke tests: their methods block and end in {@code Now}.
 */
@NullMarked
package io.toolgate.loadtest.fleet;

import org.jspecify.annotations.NullMarked;
