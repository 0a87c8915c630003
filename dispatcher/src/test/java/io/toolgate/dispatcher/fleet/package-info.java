/**
 * Several gateway replicas on one Redis: shared limits, resume across replicas, leases,
 * crashes and faults.
 */
@NullMarked
package io.toolgate.dispatcher.fleet;

import org.jspecify.annotations.NullMarked;
