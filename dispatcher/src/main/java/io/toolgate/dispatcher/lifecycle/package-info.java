/**
 * Graceful drain on shutdown: readiness goes down first, new turns are refused, running
 * turns finish within a grace period and open event streams end with a reconnect hint,
 * before the web server's own graceful shutdown.
 */
@NullMarked
package io.toolgate.dispatcher.lifecycle;

import org.jspecify.annotations.NullMarked;
