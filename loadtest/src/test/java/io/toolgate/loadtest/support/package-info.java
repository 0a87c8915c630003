/**
 * Test fixtures: running a Gatling simulation in its own JVM against a started fleet, and
 * sample chat requests.
 */
@NullMarked
package io.toolgate.loadtest.support;

import org.jspecify.annotations.NullMarked;
