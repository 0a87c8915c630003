/**
 * Fixtures every module's tests share, one of each: a scripted OpenAI-compatible upstream
 * ({@link io.toolgate.test.ScriptedUpstream}, with {@link io.toolgate.test.ScriptGate} to
 * hold its answers), an HTTP tool worker ({@link io.toolgate.test.ToolWorker}), an SSE
 * client for the gateway's streams ({@link io.toolgate.test.SseClient}), free ports,
 * probes and managed child processes (also used by the load-test fleet), tear-down
 * helpers, and abstract tests such as the BlockHound canary. They speak HTTP, SSE and
 * JSON, never the product's types, so that no module this one serves is a dependency of
 * it.
 */
@NullMarked
package io.toolgate.test;

import org.jspecify.annotations.NullMarked;
