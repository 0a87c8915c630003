/**
 * Start-up checks of the deployment mode: before any bean exists, production mode refuses
 * a configuration that would quietly fall back to a demo default (the simulated model, a
 * generated key, per-replica state), and demo mode warns about settings that cannot take
 * effect. Failures are reported as one line per problem, naming the property that fixes
 * it.
 */
@NullMarked
package io.toolgate.dispatcher.startup;

import org.jspecify.annotations.NullMarked;
