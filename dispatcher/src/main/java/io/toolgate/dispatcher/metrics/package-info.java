/**
 * Metrics and spans of the gateway: the
 * {@link io.toolgate.dispatcher.metrics.ToolgateMetrics} facade that call sites use to
 * record turns, model calls (OpenTelemetry GenAI semantic conventions), tool calls and
 * SSE streams, meter binders for admission and bulkhead state, and the Lettuce
 * command-latency hook. Labels are bounded: no conversation, turn or call ids, the tenant
 * only when configured, and client-chosen values such as the model name capped to a fixed
 * number of distinct values.
 */
@NullMarked
package io.toolgate.dispatcher.metrics;

import org.jspecify.annotations.NullMarked;
