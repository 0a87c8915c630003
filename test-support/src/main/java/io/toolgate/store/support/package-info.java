/**
 * Redis fixtures for integration tests: a private standalone server or three-master
 * cluster, run in a container when a Docker engine is reachable and as local
 * {@code redis-server} processes otherwise; a raw RESP client; a clock tests can advance;
 * and the BlockHound settings of every test JVM that has this jar.
 */
@NullMarked
package io.toolgate.store.support;

import org.jspecify.annotations.NullMarked;
