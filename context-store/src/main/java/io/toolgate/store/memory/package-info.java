/**
 * In-memory implementations of the store interfaces, for the embedded single-replica
 * default and for tests. State lives in this JVM only; time to live is measured with an
 * injectable {@link java.time.Clock} and enforced lazily on access, and every map is
 * bounded. {@link io.toolgate.store.memory.InMemoryConversationStore} fences its writes
 * against an {@link io.toolgate.store.memory.InMemoryTurnLeases} and deletes turn logs
 * from an {@link io.toolgate.store.memory.InMemoryTurnEventLog}, so the three are built
 * together; the {@link io.toolgate.store.memory.InMemoryIdempotencyStore} stands alone.
 */
@NullMarked
package io.toolgate.store.memory;

import org.jspecify.annotations.NullMarked;
