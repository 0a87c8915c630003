/**
 * The model side of a turn: {@link io.toolgate.streaming.upstream.ModelClient} and its
 * implementations, an OpenAI-compatible HTTP client and a deterministic simulated model,
 * with the SSE parsing and tool-call delta assembly they rely on.
 */
@NullMarked
package io.toolgate.streaming.upstream;

import org.jspecify.annotations.NullMarked;
