/**
 * Per-replica admission control: a bound on concurrent turns, never an unbounded queue.
 */
@NullMarked
package io.toolgate.dispatcher.admission;

import org.jspecify.annotations.NullMarked;
