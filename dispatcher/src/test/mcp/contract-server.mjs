// An MCP server whose tools behave as the ToolExecutor contract tests need, over Streamable HTTP
// (`node contract-server.mjs http PORT`) or stdio (`node contract-server.mjs stdio`):
//   echo  answers structuredContent {"echo": <arguments>}
//   fail  answers an isError result
//   slow  answers after a minute, or stops at once when the client cancels the request
//   grow  adds a tool named "extra" and sends notifications/tools/list_changed
//   boom  answers a JSON-RPC internal error
// Over HTTP, GET /stats answers {"invocations", "inFlight", "cancelled"} for the tests to check.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";

const stats = { invocations: 0, inFlight: 0, cancelled: 0 };
const anyObject = { type: "object" };
const tools = [
	{ name: "echo", description: "Answers {echo: arguments}", inputSchema: anyObject },
	{ name: "fail", description: "Refuses every call", inputSchema: anyObject },
	{ name: "slow", description: "Answers after a minute", inputSchema: anyObject },
	{ name: "grow", description: "Adds the tool 'extra'", inputSchema: anyObject },
	{ name: "boom", description: "Fails with a JSON-RPC internal error", inputSchema: anyObject },
];
const servers = new Set();

function newServer() {
	const server = new Server({ name: "toolgate-contract", version: "1.0.0" },
		{ capabilities: { tools: { listChanged: true } } });
	server.setRequestHandler(ListToolsRequestSchema, async () => ({ tools }));
	server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
		stats.invocations++;
		stats.inFlight++;
		try {
			const args = request.params.arguments ?? {};
			switch (request.params.name) {
				case "echo":
				case "extra":
					return { content: [{ type: "text", text: JSON.stringify({ echo: args }) }], structuredContent: { echo: args } };
				case "fail":
					return { content: [{ type: "text", text: "fail refuses every call" }], isError: true };
				case "slow":
					await new Promise((resolve) => {
						const timer = setTimeout(resolve, 60000);
						extra.signal.addEventListener("abort", () => {
							clearTimeout(timer);
							stats.cancelled++;
							resolve();
						});
					});
					return { content: [{ type: "text", text: "late" }] };
				case "grow":
					if (!tools.some((tool) => tool.name === "extra")) {
						tools.push({ name: "extra", description: "Added by grow", inputSchema: anyObject });
					}
					for (const each of servers) {
						each.sendToolListChanged().catch(() => {});
					}
					return { content: [{ type: "text", text: "grown" }] };
				case "boom":
					throw new McpError(ErrorCode.InternalError, "boom went the server");
				default:
					throw new McpError(ErrorCode.InvalidParams, `Tool ${request.params.name} not found`);
			}
		}
		finally {
			stats.inFlight--;
		}
	});
	servers.add(server);
	server.onclose = () => servers.delete(server);
	return server;
}

if (process.argv[2] === "stdio") {
	await newServer().connect(new StdioServerTransport());
}
else {
	const port = Number(process.argv[3]);
	const transports = new Map();
	http.createServer(async (req, res) => {
		if (req.url === "/stats") {
			res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
			return;
		}
		const sessionId = req.headers["mcp-session-id"];
		let transport = sessionId ? transports.get(sessionId) : undefined;
		if (!transport) {
			if (sessionId) {
				res.writeHead(404).end();
				return;
			}
			transport = new StreamableHTTPServerTransport({
				sessionIdGenerator: () => randomUUID(),
				onsessioninitialized: (id) => transports.set(id, transport),
			});
			transport.onclose = () => transports.delete(transport.sessionId);
			await newServer().connect(transport);
		}
		await transport.handleRequest(req, res);
	}).listen(port, "127.0.0.1", () => console.error(`contract MCP server listening on ${port}`));
}
