/**
 * A standalone OpenAI-compatible HTTP server backed by the simulated model, for
 * end-to-end and load tests and for running Toolgate against a "remote" model offline.
 */
@NullMarked
package io.toolgate.loadtest.upstream;

import org.jspecify.annotations.NullMarked;
