/**
 * Redis implementations of the store interfaces on Lettuce's reactive API, for standalone
 * Redis and Redis Cluster alike. {@link io.toolgate.store.redis.RedisStores} parses a
 * {@code REDIS_URL}, connects and builds them; {@link io.toolgate.store.redis.RedisKeys}
 * is the only place keys are built, and it puts every key of one conversation in one
 * cluster slot so that each multi-key step is a single Lua script.
 */
@NullMarked
package io.toolgate.store.redis;

import org.jspecify.annotations.NullMarked;
