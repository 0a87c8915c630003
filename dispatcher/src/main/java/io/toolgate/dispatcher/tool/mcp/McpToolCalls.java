package io.toolgate.dispatcher.tool.mcp;

import java.util.concurrent.ThreadLocalRandom;

import io.toolgate.dispatcher.tool.DispatchOutcome;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolResult;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code tools/list} and {@code tools/call} of {@code /mcp} for one tenant: the tools it
 * may use in registry order, and calls through the same dispatch as direct invocations. A
 * tool kept for other tenants is unknown here, with the same error as a tool that does
 * not exist (-32602).
 */
final class McpToolCalls {

	private static final String IDEMPOTENCY_KEY = "io.toolgate/idempotency-key";

	private final ToolRegistry registry;

	private final IdempotentDispatch dispatcher;

	private final JsonMapper json;

	McpToolCalls(ToolRegistry registry, IdempotentDispatch dispatcher, JsonMapper json) {
		this.registry = registry;
		this.dispatcher = dispatcher;
		this.json = json;
	}

	ObjectNode list(String tenant) {
		ObjectNode result = this.json.createObjectNode();
		ArrayNode tools = result.putArray("tools");
		for (RegisteredTool tool : this.registry.all(tenant)) {
			tools.addObject()
				.put("name", tool.name())
				.put("description", tool.spec().description())
				.set("inputSchema", tool.spec().inputSchema());
		}
		return result;
	}

	Mono<McpReply> call(JsonNode id, JsonNode params, String tenant) {
		String name = params.path("name").asString("");
		RegisteredTool tool = this.registry.find(name, tenant).orElse(null);
		if (tool == null) {
			// The metric names no tool: the name is the caller's, unbounded.
			return Mono.just(McpReply.error(HttpStatus.OK, id, -32602, "Unknown tool: " + name));
		}
		JsonNode arguments = params.path("arguments");
		// An MCP call has no turn to suspend and no reviewer: a call the tool's approval
		// policy would hold is refused, never run unreviewed (as a direct invocation is).
		String held = tool.spec().holdReason(arguments.isObject() ? arguments : this.json.createObjectNode());
		if (held != null) {
			ObjectNode refused = failed("approval_required: this call needs a reviewer's approval (" + held
					+ "); make it in a conversation turn, where it waits for one");
			return Mono.just(McpReply.result(id, refused).withTool(name, "approval_required"));
		}
		String argumentsJson = arguments.isMissingNode() || arguments.isNull() ? "{}" : arguments.toString();
		JsonNode key = params.path("_meta").path(IDEMPOTENCY_KEY);
		String idempotencyKey = key.isString() ? tenant + ":mcp:" + key.asString() : null;
		// Random without SecureRandom: nothing blocks on the event loop.
		String callId = "mcp_" + Long.toHexString(ThreadLocalRandom.current().nextLong())
				+ Long.toHexString(ThreadLocalRandom.current().nextLong());
		ToolInvocation invocation = new ToolInvocation(callId, name, argumentsJson, tenant, idempotencyKey);
		return Mono.defer(() -> this.dispatcher.dispatch(invocation, "mcp:" + tenant))
			.map((outcome) -> McpReply.result(id, answer(outcome)).withTool(name, errorType(outcome)));
	}

	private ObjectNode answer(DispatchOutcome outcome) {
		ObjectNode answer = toolAnswer(outcome);
		// Whether an earlier call with the same idempotency key answered (on any
		// replica).
		answer.putObject("_meta").put("io.toolgate/replayed", outcome instanceof DispatchOutcome.Replayed);
		return answer;
	}

	private static @Nullable String errorType(DispatchOutcome outcome) {
		return switch (outcome) {
			case DispatchOutcome.Fresh fresh -> errorType(fresh.result());
			case DispatchOutcome.Replayed replayed -> errorType(replayed.result());
			case DispatchOutcome.InProgress inProgress -> "idempotency_in_progress";
			case DispatchOutcome.Mismatch mismatch -> "idempotency_mismatch";
		};
	}

	private static @Nullable String errorType(ToolResult result) {
		ToolResult.Error error = result.error();
		return (result.isOk() || error == null) ? null : error.type();
	}

	private ObjectNode toolAnswer(DispatchOutcome outcome) {
		@Nullable ToolResult result = switch (outcome) {
			case DispatchOutcome.Fresh fresh -> fresh.result();
			case DispatchOutcome.Replayed replayed -> replayed.result();
			case DispatchOutcome.InProgress inProgress -> null;
			case DispatchOutcome.Mismatch mismatch -> null;
		};
		if (result == null) {
			return failed((outcome instanceof DispatchOutcome.InProgress)
					? "A call with this idempotency key is still running; retry later"
					: "This idempotency key was used with another tool or other arguments");
		}
		ToolResult.Error error = result.error();
		if (result.isOk() || error == null) {
			JsonNode output = (result.output() != null) ? result.output() : this.json.createObjectNode();
			ObjectNode answer = this.json.createObjectNode();
			answer.putArray("content").addObject().put("type", "text").put("text", output.toString());
			if (output.isObject()) {
				answer.set("structuredContent", output);
			}
			answer.put("isError", false);
			return answer;
		}
		return failed(error.type() + ": " + error.message());
	}

	private ObjectNode failed(String text) {
		ObjectNode answer = this.json.createObjectNode();
		answer.putArray("content").addObject().put("type", "text").put("text", text);
		answer.put("isError", true);
		return answer;
	}

}
