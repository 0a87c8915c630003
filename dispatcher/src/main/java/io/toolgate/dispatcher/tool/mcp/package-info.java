/**
 * Tools from MCP servers: each registry entry of executor type {@code mcp} is one server,
 * reached over Streamable HTTP or a child process's stdio with the official MCP Java SDK.
 * Its tools are discovered with {@code tools/list}, kept current on
 * {@code notifications/tools/list_changed} and a refresh interval, and run with
 * {@code tools/call} through the same dispatch as every other tool.
 */
@NullMarked
package io.toolgate.dispatcher.tool.mcp;

import org.jspecify.annotations.NullMarked;
