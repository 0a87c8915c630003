/**
 * Rate-limit policy of the gateway: tenant plans resolved once at startup, the edge
 * filter that limits requests per tenant and sets the {@code RateLimit-Policy} and
 * {@code RateLimit} headers, model-token reservations reconciled with actual usage,
 * tool-call limits that wait briefly or deny with a retryable result, and the fail-open
 * or fail-closed policy applied when the distributed backend is unreachable.
 */
@NullMarked
package io.toolgate.dispatcher.policy;

import org.jspecify.annotations.NullMarked;
