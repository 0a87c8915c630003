package io.toolgate.dispatcher.tool.registry;

import java.util.List;

import io.toolgate.dispatcher.tool.ToolSpec;
import io.toolgate.dispatcher.tool.mcp.McpServerSpec;

/**
 * A checked registry: the tools it declares one by one and the MCP servers whose tools
 * are discovered at run time.
 *
 * @param tools the {@code http} and {@code builtin} tools, in file order
 * @param mcpServers the {@code mcp} entries, in file order
 */
public record LoadedRegistry(List<ToolSpec> tools, List<McpServerSpec> mcpServers) {

	/** Copies the lists. */
	public LoadedRegistry {
		tools = List.copyOf(tools);
		mcpServers = List.copyOf(mcpServers);
	}

}
