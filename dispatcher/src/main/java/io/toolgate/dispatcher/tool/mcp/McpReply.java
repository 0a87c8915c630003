package io.toolgate.dispatcher.tool.mcp;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What {@code /mcp} answers one JSON-RPC request with: a result or an error, the HTTP
 * status it goes with, and what the operation metric records of it.
 *
 * @param status the HTTP status
 * @param id the request's id ({@code null} when the request could not be read)
 * @param result the result, or {@code null} for an error
 * @param code the JSON-RPC error code, when it is an error
 * @param message the error message, when it is an error
 * @param data the error's data, if any
 * @param tool the tool a {@code tools/call} ran, for the metric (never a tool the caller
 * may not use)
 * @param errorType the metric's {@code error.type}: the error code, or the type of a
 * failed tool call; {@code null} when it succeeded
 */
record McpReply(HttpStatus status, @Nullable JsonNode id, @Nullable ObjectNode result, int code,
		@Nullable String message, @Nullable JsonNode data, @Nullable String tool, @Nullable String errorType) {

	static McpReply result(JsonNode id, ObjectNode result) {
		return new McpReply(HttpStatus.OK, id, result, 0, null, null, null, null);
	}

	static McpReply error(HttpStatus status, @Nullable JsonNode id, int code, String message) {
		return new McpReply(status, id, null, code, message, null, null, String.valueOf(code));
	}

	McpReply withData(JsonNode data) {
		return new McpReply(this.status, this.id, this.result, this.code, this.message, data, this.tool,
				this.errorType);
	}

	McpReply withTool(@Nullable String tool, @Nullable String errorType) {
		return new McpReply(this.status, this.id, this.result, this.code, this.message, this.data, tool,
				(this.result != null) ? errorType : this.errorType);
	}

	McpReply withStatus(HttpStatus status) {
		return new McpReply(status, this.id, this.result, this.code, this.message, this.data, this.tool,
				this.errorType);
	}

	/** The JSON-RPC response message. */
	ObjectNode toJson(JsonMapper json) {
		ObjectNode response = json.createObjectNode().put("jsonrpc", "2.0");
		response.set("id", (this.id != null) ? this.id : json.nullNode());
		if (this.result != null) {
			response.set("result", this.result);
			return response;
		}
		ObjectNode error = response.putObject("error").put("code", this.code).put("message", this.message);
		if (this.data != null) {
			error.set("data", this.data);
		}
		return response;
	}

}
