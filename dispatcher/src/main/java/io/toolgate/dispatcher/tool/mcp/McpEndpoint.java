package io.toolgate.dispatcher.tool.mcp;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.tool.DispatchOutcome;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolResult;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /mcp}: this gateway's tools served to MCP clients over Streamable HTTP, protocol
 * revision 2025-11-25 (and the earlier ones a client may ask for), stateless: no
 * {@code Mcp-Session-Id}, every request answered with one JSON response, no SSE stream,
 * so any replica answers any request. The caller is the tenant of its
 * {@code Authorization: Bearer} key (the API key filter covers {@code /mcp}).
 * {@code tools/list} lists the tools that tenant may use in registry order (a tool kept
 * for other tenants is absent, and calling it is an unknown tool's error);
 * {@code tools/call} runs through the same dispatch as {@code POST
 * /v1/tools/{name}/invocations} (validation, rate limits, bulkhead, retries, metrics; an
 * {@code io.toolgate/idempotency-key} in {@code _meta} makes it run at most once). A
 * failed call is an {@code isError} result; an unknown tool is JSON-RPC error -32602.
 */
public final class McpEndpoint {

	/** The revision answered when a client asks for one this endpoint does not know. */
	static final String LATEST = "2025-11-25";

	private static final Set<String> REVISIONS = Set.of(LATEST, "2025-06-18", "2025-03-26");

	private final ToolRegistry registry;

	private final IdempotentDispatch dispatcher;

	private final JsonMapper json;

	/**
	 * Creates the endpoint.
	 * @param registry the tools
	 * @param dispatcher runs calls
	 * @param json the mapper
	 */
	public McpEndpoint(ToolRegistry registry, IdempotentDispatch dispatcher, JsonMapper json) {
		this.registry = registry;
		this.dispatcher = dispatcher;
		this.json = json;
	}

	/**
	 * {@code GET} and {@code DELETE /mcp}: 405, there is no server-initiated stream and
	 * no session to end.
	 * @param request the request
	 * @return 405 with {@code Allow: POST}
	 */
	public Mono<ServerResponse> notAllowed(ServerRequest request) {
		return ServerResponse.status(HttpStatus.METHOD_NOT_ALLOWED).header("Allow", "POST").build();
	}

	/**
	 * {@code POST /mcp}: one JSON-RPC message.
	 * @param request the request, with an authenticated tenant
	 * @return the JSON-RPC response, or 202 for a notification
	 */
	public Mono<ServerResponse> handle(ServerRequest request) {
		String tenant = Tenant.from(request).id();
		return request.bodyToMono(String.class).defaultIfEmpty("").flatMap((body) -> {
			JsonNode message;
			try {
				message = this.json.readTree(body);
			}
			catch (JacksonException ex) {
				return error(HttpStatus.BAD_REQUEST, null, -32700, "Parse error: the body is not JSON");
			}
			if (message == null || !message.isObject() || !"2.0".equals(message.path("jsonrpc").asString(""))
					|| !message.path("method").isString()) {
				return error(HttpStatus.BAD_REQUEST, null, -32600,
						"Invalid request: one JSON-RPC 2.0 message object with a method is expected");
			}
			JsonNode id = message.get("id");
			if (id == null || id.isNull()) {
				// A notification (notifications/initialized, notifications/cancelled,
				// ...).
				return ServerResponse.accepted().build();
			}
			String method = message.path("method").asString();
			JsonNode params = message.path("params");
			return switch (method) {
				case "initialize" -> result(id, initialize(params));
				case "ping" -> result(id, this.json.createObjectNode());
				case "tools/list" -> result(id, list(tenant));
				case "tools/call" -> call(id, params, tenant);
				default -> error(HttpStatus.OK, id, -32601, "Method not found: " + method);
			};
		});
	}

	private ObjectNode initialize(JsonNode params) {
		String asked = params.path("protocolVersion").asString("");
		ObjectNode result = this.json.createObjectNode();
		result.put("protocolVersion", REVISIONS.contains(asked) ? asked : LATEST);
		result.putObject("capabilities").putObject("tools").put("listChanged", false);
		result.putObject("serverInfo").put("name", "toolgate").put("version", "1.0");
		return result;
	}

	private ObjectNode list(String tenant) {
		ObjectNode result = this.json.createObjectNode();
		ArrayNode tools = result.putArray("tools");
		List<RegisteredTool> all = this.registry.all(tenant);
		for (RegisteredTool tool : all) {
			tools.addObject()
				.put("name", tool.name())
				.put("description", tool.spec().description())
				.set("inputSchema", tool.spec().inputSchema());
		}
		return result;
	}

	private Mono<ServerResponse> call(JsonNode id, JsonNode params, String tenant) {
		String name = params.path("name").asString("");
		// A tool kept for other tenants is unknown here, with the same error.
		RegisteredTool tool = this.registry.find(name, tenant).orElse(null);
		if (tool == null) {
			return error(HttpStatus.OK, id, -32602, "Unknown tool: " + name);
		}
		JsonNode arguments = params.path("arguments");
		// An MCP call has no turn to suspend and no reviewer: a call the tool's approval
		// policy would hold is refused, never run unreviewed (as a direct invocation is).
		String held = tool.spec().holdReason(arguments.isObject() ? arguments : this.json.createObjectNode());
		if (held != null) {
			ObjectNode refused = this.json.createObjectNode();
			refused.putArray("content")
				.addObject()
				.put("type", "text")
				.put("text", "approval_required: this call needs a reviewer's approval (" + held
						+ "); make it in a conversation turn, where it waits for one");
			refused.put("isError", true);
			return result(id, refused);
		}
		String argumentsJson = arguments.isMissingNode() || arguments.isNull() ? "{}" : arguments.toString();
		JsonNode key = params.path("_meta").path("io.toolgate/idempotency-key");
		String idempotencyKey = key.isString() ? tenant + ":mcp:" + key.asString() : null;
		// Random without SecureRandom: nothing blocks on the event loop.
		String callId = "mcp_" + Long.toHexString(ThreadLocalRandom.current().nextLong())
				+ Long.toHexString(ThreadLocalRandom.current().nextLong());
		ToolInvocation invocation = new ToolInvocation(callId, name, argumentsJson, tenant, idempotencyKey);
		return Mono.defer(() -> this.dispatcher.dispatch(invocation, "mcp:" + tenant))
			.flatMap((outcome) -> result(id, toolResult(outcome)));
	}

	private ObjectNode toolResult(DispatchOutcome outcome) {
		ObjectNode answer = toolAnswer(outcome);
		// Whether an earlier call with the same idempotency key answered (on any
		// replica).
		answer.putObject("_meta").put("io.toolgate/replayed", outcome instanceof DispatchOutcome.Replayed);
		return answer;
	}

	private ObjectNode toolAnswer(DispatchOutcome outcome) {
		ToolResult result = switch (outcome) {
			case DispatchOutcome.Fresh fresh -> fresh.result();
			case DispatchOutcome.Replayed replayed -> replayed.result();
			case DispatchOutcome.InProgress inProgress -> null;
			case DispatchOutcome.Mismatch mismatch -> null;
		};
		ObjectNode answer = this.json.createObjectNode();
		if (result == null) {
			String text = (outcome instanceof DispatchOutcome.InProgress)
					? "A call with this idempotency key is still running; retry later"
					: "This idempotency key was used with another tool or other arguments";
			answer.putArray("content").addObject().put("type", "text").put("text", text);
			answer.put("isError", true);
			return answer;
		}
		ToolResult.Error error = result.error();
		if (result.isOk() || error == null) {
			JsonNode output = (result.output() != null) ? result.output() : this.json.createObjectNode();
			answer.putArray("content").addObject().put("type", "text").put("text", output.toString());
			if (output.isObject()) {
				answer.set("structuredContent", output);
			}
			answer.put("isError", false);
			return answer;
		}
		answer.putArray("content").addObject().put("type", "text").put("text", error.type() + ": " + error.message());
		answer.put("isError", true);
		return answer;
	}

	private Mono<ServerResponse> result(JsonNode id, JsonNode result) {
		ObjectNode response = this.json.createObjectNode().put("jsonrpc", "2.0");
		response.set("id", id);
		response.set("result", result);
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(response.toString());
	}

	private Mono<ServerResponse> error(HttpStatus status, @Nullable JsonNode id, int code, String message) {
		ObjectNode response = this.json.createObjectNode().put("jsonrpc", "2.0");
		response.set("id", (id != null) ? id : this.json.nullNode());
		response.putObject("error").put("code", code).put("message", message);
		return ServerResponse.status(status).contentType(MediaType.APPLICATION_JSON).bodyValue(response.toString());
	}

}
