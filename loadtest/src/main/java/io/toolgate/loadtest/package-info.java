/**
 * Standalone simulators for load tests and benchmarks: an OpenAI-compatible upstream
 * model ({@link io.toolgate.loadtest.UpstreamSimulator}) and an HTTP tool worker
 * ({@link io.toolgate.loadtest.ToolWorkerSimulator}), both on Reactor Netty, cheap enough
 * not to be the bottleneck, plus the checks every load client applies to a native turn's
 * event stream.
 */
@NullMarked
package io.toolgate.loadtest;

import org.jspecify.annotations.NullMarked;
