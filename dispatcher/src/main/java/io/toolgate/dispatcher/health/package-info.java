/** Health of the gateway's dependencies, as seen by the readiness probe. */
@NullMarked
package io.toolgate.dispatcher.health;

import org.jspecify.annotations.NullMarked;
