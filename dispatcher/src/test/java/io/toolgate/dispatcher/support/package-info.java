/**
 * Test fixtures: the gateway on a random port, a scripted OpenAI-compatible upstream and
 * an HTTP tool worker.
 */
@NullMarked
package io.toolgate.dispatcher.support;

import org.jspecify.annotations.NullMarked;
