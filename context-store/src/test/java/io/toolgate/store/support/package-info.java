/**
 * Test fixtures shared with other modules through the test jar: a clock tests can advance, and private
 * {@code redis-server} processes (standalone and cluster) for integration tests where no Docker engine exists, and
 * the BlockHound settings of every test JVM that has this jar.
 */
@NullMarked
package io.toolgate.store.support;

import org.jspecify.annotations.NullMarked;
