/**
 * Conversation state behind small reactive interfaces: conversations (messages and a
 * version), turn leases (one running turn per conversation), turn event logs (resume
 * after {@code Last-Event-ID}) and idempotency records. Messages and events are opaque
 * JSON strings; this module knows nothing of their shape. Implementations live in
 * {@code memory} and {@code redis}.
 */
@NullMarked
package io.toolgate.store;

import org.jspecify.annotations.NullMarked;
