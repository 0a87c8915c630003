package io.toolgate.dispatcher.tool.mcp;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a request of the stateless revision must carry before it is routed, checked in the
 * revision's order: routing headers that agree with the body (else
 * {@value McpRevisions#HEADER_MISMATCH}), then {@code params._meta} with the revision
 * (one not served is {@value McpRevisions#UNSUPPORTED_PROTOCOL_VERSION}, whose data lists
 * the revisions served: a client may fall back to 2025-11-25 with {@code initialize}) and
 * the client's capabilities (else -32602). Each refusal is HTTP 400.
 */
final class McpStatelessChecks {

	private McpStatelessChecks() {
	}

	/**
	 * Checks a stateless request.
	 * @return the refusal, or {@code null} when the request may be routed
	 */
	static @Nullable McpReply refusal(JsonNode id, String method, JsonNode params, HttpHeaders headers,
			JsonMapper json) {
		String mismatch = McpRevisions.headerMismatch(headers, method, params, true);
		if (mismatch != null) {
			return McpReply.error(HttpStatus.BAD_REQUEST, id, McpRevisions.HEADER_MISMATCH, mismatch);
		}
		if (!params.isObject()) {
			return invalidParams(id, "params is required");
		}
		JsonNode meta = params.path("_meta");
		if (!meta.isObject()) {
			return invalidParams(id, "params._meta is required");
		}
		JsonNode version = meta.path(McpRevisions.PROTOCOL_VERSION_KEY);
		if (!version.isString() || version.asString().isBlank()) {
			return invalidParams(id, "_meta['" + McpRevisions.PROTOCOL_VERSION_KEY + "'] is required");
		}
		if (!McpRevisions.STATELESS.equals(version.asString())) {
			ObjectNode data = json.createObjectNode();
			McpRevisions.SERVED.forEach(data.putArray("supported")::add);
			data.put("requested", version.asString());
			return McpReply
				.error(HttpStatus.BAD_REQUEST, id, McpRevisions.UNSUPPORTED_PROTOCOL_VERSION,
						"Unsupported protocol version")
				.withData(data);
		}
		if (!meta.path(McpRevisions.CLIENT_CAPABILITIES_KEY).isObject()) {
			return invalidParams(id, "_meta['" + McpRevisions.CLIENT_CAPABILITIES_KEY + "'] is required");
		}
		return null;
	}

	private static McpReply invalidParams(JsonNode id, String message) {
		return McpReply.error(HttpStatus.BAD_REQUEST, id, -32602, message);
	}

}
