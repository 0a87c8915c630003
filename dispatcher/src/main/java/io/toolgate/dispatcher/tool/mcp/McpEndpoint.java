package io.toolgate.dispatcher.tool.mcp;

import java.util.Set;

import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.ToolRegistry;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code /mcp}: this gateway's tools served to MCP clients over Streamable HTTP on its
 * own router, stateless in every revision: no {@code Mcp-Session-Id}, every request
 * answered with one JSON response, no SSE stream, so any replica answers any request. Two
 * kinds of client are served ({@link McpRevisions}): those of revision 2026-07-28, whose
 * requests carry their revision, capabilities and routing headers and need no
 * {@code initialize} ({@code server/discover} says what is served), and those of revision
 * 2025-11-25 and earlier, which {@code initialize} first. The caller is the tenant of its
 * {@code Authorization: Bearer} key (the API key filter covers {@code /mcp}).
 * {@code tools/list} lists the tools that tenant may use in registry order;
 * {@code tools/call} runs through the same dispatch as {@code POST
 * /v1/tools/{name}/invocations} ({@link McpToolCalls}). Every answered request is timed
 * for {@code mcp.server.operation.duration}.
 */
public final class McpEndpoint {

	/** The revision an {@code initialize} asking for an unknown one gets. */
	static final String LATEST = McpRevisions.SESSIONFUL;

	private static final Set<String> METHODS = Set.of("initialize", "ping", "tools/list", "tools/call",
			"server/discover");

	private final McpToolCalls tools;

	private final JsonMapper json;

	private final McpOperationObserver observer;

	/**
	 * Creates the endpoint.
	 * @param registry the tools
	 * @param dispatcher runs calls
	 * @param json the mapper
	 * @param observer hears of every answered request, for metrics
	 */
	public McpEndpoint(ToolRegistry registry, IdempotentDispatch dispatcher, JsonMapper json,
			McpOperationObserver observer) {
		this.tools = new McpToolCalls(registry, dispatcher, json);
		this.json = json;
		this.observer = observer;
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
		HttpHeaders headers = request.headers().asHttpHeaders();
		return request.bodyToMono(String.class).defaultIfEmpty("").flatMap((body) -> {
			long start = System.nanoTime();
			JsonNode message;
			try {
				message = this.json.readTree(body);
			}
			catch (JacksonException ex) {
				return respond("_OTHER", start, Mono
					.just(McpReply.error(HttpStatus.BAD_REQUEST, null, -32700, "Parse error: the body is not JSON")));
			}
			if (message == null || !message.isObject() || !"2.0".equals(message.path("jsonrpc").asString(""))
					|| !message.path("method").isString()) {
				return respond("_OTHER", start, Mono.just(McpReply.error(HttpStatus.BAD_REQUEST, null, -32600,
						"Invalid request: one JSON-RPC 2.0 message object with a method is expected")));
			}
			JsonNode id = message.get("id");
			if (id == null || id.isNull()) {
				// A notification (notifications/initialized, notifications/cancelled,
				// ...).
				return ServerResponse.accepted().build();
			}
			String method = message.path("method").asString();
			JsonNode params = message.path("params");
			String operation = METHODS.contains(method) ? method : "_OTHER";
			return respond(operation, start, McpRevisions.isStateless(params, headers)
					? stateless(id, method, params, headers, tenant) : sessionful(id, method, params, headers, tenant));
		});
	}

	/** A request of revision 2025-11-25 or earlier. */
	private Mono<McpReply> sessionful(JsonNode id, String method, JsonNode params, HttpHeaders headers, String tenant) {
		String mismatch = McpRevisions.headerMismatch(headers, method, params, false);
		if (mismatch != null) {
			return Mono.just(McpReply.error(HttpStatus.BAD_REQUEST, id, McpRevisions.HEADER_MISMATCH, mismatch));
		}
		return switch (method) {
			case "initialize" -> Mono.just(McpReply.result(id, initialize(params)));
			case "ping" -> Mono.just(McpReply.result(id, this.json.createObjectNode()));
			case "tools/list" -> Mono.just(McpReply.result(id, this.tools.list(tenant)));
			case "tools/call" -> this.tools.call(id, params, tenant);
			default -> Mono.just(McpReply.error(HttpStatus.OK, id, -32601, "Method not found: " + method));
		};
	}

	/**
	 * A request of revision 2026-07-28: checked as that revision asks (headers, then
	 * {@code _meta}), answered with {@code resultType} and {@code serverInfo}; its errors
	 * get the HTTP statuses the revision gives them.
	 */
	private Mono<McpReply> stateless(JsonNode id, String method, JsonNode params, HttpHeaders headers, String tenant) {
		McpReply refused = McpStatelessChecks.refusal(id, method, params, headers, this.json);
		if (refused != null) {
			return Mono.just(refused);
		}
		Mono<McpReply> reply = switch (method) {
			case "server/discover" -> Mono.just(McpReply.result(id, discover()));
			case "ping" -> Mono.just(McpReply.result(id, this.json.createObjectNode()));
			case "tools/list" -> Mono.just(McpReply.result(id, cacheable(this.tools.list(tenant))));
			case "tools/call" -> this.tools.call(id, params, tenant);
			default -> Mono.just(McpReply.error(HttpStatus.NOT_FOUND, id, -32601, "Method not found: " + method));
		};
		return reply.map(this::completed);
	}

	private McpReply completed(McpReply reply) {
		if (reply.result() == null) {
			// The revision answers invalid params (an unknown tool) with 400.
			return (reply.code() == -32602) ? reply.withStatus(HttpStatus.BAD_REQUEST) : reply;
		}
		ObjectNode result = reply.result();
		result.put("resultType", "complete");
		ObjectNode meta = result.has("_meta") ? (ObjectNode) result.get("_meta") : result.putObject("_meta");
		meta.putObject(McpRevisions.SERVER_INFO_KEY).put("name", "toolgate").put("version", "1.0");
		return reply;
	}

	private ObjectNode initialize(JsonNode params) {
		ObjectNode result = this.json.createObjectNode();
		result.put("protocolVersion", McpRevisions.negotiate(params.path("protocolVersion").asString("")));
		result.putObject("capabilities").putObject("tools").put("listChanged", false);
		result.putObject("serverInfo").put("name", "toolgate").put("version", "1.0");
		return result;
	}

	private ObjectNode discover() {
		ObjectNode result = this.json.createObjectNode();
		McpRevisions.SERVED.forEach(result.putArray("supportedVersions")::add);
		result.putObject("capabilities").putObject("tools").put("listChanged", false);
		return cacheable(result);
	}

	/**
	 * Marks a result as one a client may not keep: the tools are the caller's (private)
	 * and change as MCP servers come and go.
	 */
	private static ObjectNode cacheable(ObjectNode result) {
		return result.put("ttlMs", 0).put("cacheScope", "private");
	}

	private Mono<ServerResponse> respond(String method, long start, Mono<McpReply> reply) {
		return reply
			.doOnNext((answered) -> this.observer.completed(method, answered.tool(), answered.errorType(),
					System.nanoTime() - start))
			.doOnCancel(() -> this.observer.completed(method, null, "cancelled", System.nanoTime() - start))
			.flatMap((answered) -> ServerResponse.status(answered.status())
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(answered.toJson(this.json).toString()));
	}

}
