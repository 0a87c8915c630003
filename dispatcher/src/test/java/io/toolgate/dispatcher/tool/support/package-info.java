/**
 * Test fixtures for the tool subsystem: tool spec builders, and the shared HTTP tool
 * worker with the executor and dispatch stacks built on it.
 */
@NullMarked
package io.toolgate.dispatcher.tool.support;

import org.jspecify.annotations.NullMarked;
