/**
 * Tools: the YAML registry, JSON Schema validation, executors (HTTP workers, built-ins)
 * and bounded parallel dispatch with timeouts, retries and bulkheads.
 */
@NullMarked
package io.toolgate.dispatcher.tool;

import org.jspecify.annotations.NullMarked;
