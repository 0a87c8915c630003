/**
 * Test fixtures for the tool subsystem: a real HTTP tool worker on a free port and tool
 * spec builders.
 */
@NullMarked
package io.toolgate.dispatcher.tool.support;

import org.jspecify.annotations.NullMarked;
