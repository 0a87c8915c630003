/** Test fixtures: running a Gatling simulation in its own JVM against a started fleet. */
@NullMarked
package io.toolgate.loadtest.support;

import org.jspecify.annotations.NullMarked;
