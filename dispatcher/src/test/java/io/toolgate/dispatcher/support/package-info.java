/**
 * Test fixtures of the gateway itself: the application on a random port or as a process
 * of its own, its tool registries, raw HTTP and captured logs. The fixtures every module
 * shares (scripted upstream, tool worker, SSE client) are in the test-support module.
 */
@NullMarked
package io.toolgate.dispatcher.support;

import org.jspecify.annotations.NullMarked;
