/**
 * Rate-limit policy of the gateway, one limit a class, applied where the turn passes it:
 * {@link io.toolgate.dispatcher.policy.RequestRateLimit} (requests per tenant, at the
 * edge through {@link io.toolgate.dispatcher.policy.TenantRateLimitFilter}, which sets
 * the {@code RateLimit-Policy} and {@code RateLimit} headers),
 * {@link io.toolgate.dispatcher.policy.TokenBudget} (model tokens, an operator around
 * each model call: reserve, then reconcile with actual usage) and
 * {@link io.toolgate.dispatcher.policy.ToolRateLimitGate} (tool calls, which wait briefly
 * or are denied with a retryable result). Tenant plans are resolved once at startup; the
 * fail-open or fail-closed policy applies when the distributed backend is unreachable.
 */
@NullMarked
package io.toolgate.dispatcher.policy;

import org.jspecify.annotations.NullMarked;
