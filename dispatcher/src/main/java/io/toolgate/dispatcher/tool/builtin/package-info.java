/**
 * Tools implemented inside the gateway ({@code executor.type: builtin}): the executor
 * that looks them up by name and the demo tools of the embedded default (clock,
 * calculator, lookup, slow_echo, weather). All are non-blocking.
 */
@NullMarked
package io.toolgate.dispatcher.tool.builtin;

import org.jspecify.annotations.NullMarked;
