/**
 * Tests of the Redis stores against private {@code redis-server} processes, standalone
 * and a three-master cluster.
 */
@NullMarked
package io.toolgate.store.redis;

import org.jspecify.annotations.NullMarked;
