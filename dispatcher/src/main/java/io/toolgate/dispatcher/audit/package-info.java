/**
 * The audit trail: one record per tool execution, approval decision and budget refusal,
 * appended to the tenant's {@link io.toolgate.store.AuditLog} before the event that
 * reports the action, and read back through {@code GET /v1/audit}. Tool calls are
 * recorded by {@link io.toolgate.dispatcher.audit.AuditingToolCalls}; other actions call
 * {@link io.toolgate.dispatcher.audit.AuditTrail} themselves.
 */
@NullMarked
package io.toolgate.dispatcher.audit;

import org.jspecify.annotations.NullMarked;
