package io.toolgate.dispatcher.tool;

import java.net.URI;

/**
 * Where a tool runs: an HTTP tool worker, a built-in of this gateway or a tool of an MCP
 * server.
 */
public sealed interface ExecutorSpec {

	/**
	 * The registry {@code executor.type}: {@code http}, {@code builtin} or {@code mcp}.
	 */
	String type();

	/**
	 * A tool worker that takes the arguments as a JSON POST and answers with the output
	 * as JSON.
	 *
	 * @param url the absolute http(s) URL to POST to
	 */
	record Http(URI url) implements ExecutorSpec {

		@Override
		public String type() {
			return "http";
		}

	}

	/**
	 * A tool implemented inside the gateway.
	 *
	 * @param name the built-in's name, e.g. {@code calculator}
	 */
	record Builtin(String name) implements ExecutorSpec {

		@Override
		public String type() {
			return "builtin";
		}

	}

	/**
	 * A tool discovered on an MCP server, called with {@code tools/call}.
	 *
	 * @param server the name of the registry entry that declares the server
	 * @param tool the tool's name on that server
	 */
	record Mcp(String server, String tool) implements ExecutorSpec {

		@Override
		public String type() {
			return "mcp";
		}

	}

}
