package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.toolgate.dispatcher.audit.AuditContext;
import io.toolgate.dispatcher.auth.ApiKeyAuthenticationFilter;
import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.tool.DispatchOutcome;
import io.toolgate.dispatcher.tool.IdempotencyKeys;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolResult;
import io.toolgate.dispatcher.tool.ToolSpec;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /v1/tools} and {@code POST /v1/tools/{name}/invocations}.
 * <p>
 * The list shows each tool's name, description, input schema, risk tier, timeout, max
 * concurrency and executor type; worker URLs are not shown.
 * <p>
 * An invocation body wraps the arguments, {@code {"arguments": {...}}}, leaving room for
 * further fields. An {@code Idempotency-Key} header makes the invocation run at most
 * once: a repeat with the same tool and arguments gets the stored result
 * ({@code Idempotent-Replayed: true}), even while the first still runs (409
 * {@code idempotency_in_progress}, with {@code Retry-After}, if it still runs after the
 * wait); a repeat with other arguments gets 422 ({@code idempotency_key_reused}). Tool
 * workers get {@link IdempotencyKeys#forWorker(String, String) a key derived from the
 * tenant and the client's key}, never the raw key. A successful run answers 200
 * {@code {"id","tool","status":"ok","output","duration_ms","attempts"}}. Failures are
 * HTTP errors, so that HTTP clients need not look inside a 200: unknown tool 404; missing
 * {@code arguments} 400; arguments not matching the schema 422
 * ({@code invalid_arguments}); the tool refused the call 422 ({@code tool_error});
 * timeout 504 ({@code tool_timeout}); worker failure 502 ({@code tool_worker_error});
 * output too large 502 ({@code tool_output_too_large}); bulkhead full 503
 * ({@code tool_saturated}, with {@code Retry-After}); the tool's circuit breaker open 503
 * ({@code tool_circuit_open}, with {@code Retry-After}); the tool's rate limit 429
 * ({@code tool_rate_limited}, with {@code Retry-After}). {@link PublicErrors#ofTool}
 * holds the mapping.
 */
public class ToolsHandler {

	private final ToolRegistry registry;

	/**
	 * Response header set when the response is the stored result of an earlier request
	 * with the same key.
	 */
	public static final String REPLAYED_HEADER = "Idempotent-Replayed";

	private final IdempotentDispatch dispatcher;

	/**
	 * Creates the handler.
	 * @param registry the tools
	 * @param dispatcher runs invocations, once per {@code Idempotency-Key}
	 */
	public ToolsHandler(ToolRegistry registry, IdempotentDispatch dispatcher) {
		this.registry = registry;
		this.dispatcher = dispatcher;
	}

	/**
	 * {@code GET /v1/tools}: every tool the calling tenant may use.
	 * @param request the request
	 * @return 200 {@code {"object":"list","data":[...]}}
	 */
	public Mono<ServerResponse> list(ServerRequest request) {
		List<ToolDescriptor> data = this.registry.all(Tenant.from(request).id())
			.stream()
			.map(ToolDescriptor::of)
			.toList();
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(new ToolList("list", data));
	}

	/**
	 * {@code POST /v1/tools/{name}/invocations}: runs the tool once, with its timeout,
	 * retries and bulkhead.
	 * @param request the request, with path variable {@code name}, an authenticated
	 * tenant and body {@code {"arguments": {...}}}
	 * @return 200 with the output; errors are signalled as {@link ToolgateException} (see
	 * the class description)
	 */
	public Mono<ServerResponse> invoke(ServerRequest request) {
		return Mono.defer(() -> {
			String name = request.pathVariable("name");
			String tenant = Tenant.from(request).id();
			// Another tenant's tool is 404 as a missing one: its existence does not leak.
			RegisteredTool tool = this.registry.find(name, tenant)
				.orElseThrow(() -> ToolgateException.notFound("Tool '" + name + "'"));
			AuditContext audit = new AuditContext(ApiKeyAuthenticationFilter.keyId(request.exchange()), null, null);
			return invoke(request, tool, tenant).contextWrite(audit::writeTo);
		});
	}

	private Mono<ServerResponse> invoke(ServerRequest request, RegisteredTool tool, String tenant) {
		// Workers and the idempotency store see a key derived from tenant and client key,
		// never the raw key.
		String idempotencyKey = IdempotencyKeys.forWorker(tenant, request.headers().firstHeader("Idempotency-Key"));
		return request.bodyToMono(JsonNode.class)
			.mapNotNull(body -> body.get("arguments"))
			.filter(arguments -> !arguments.isNull())
			.switchIfEmpty(Mono.error(() -> ToolgateException.invalidField("arguments", "is required")))
			.map(arguments -> requireNoApproval(tool, arguments))
			.flatMap(arguments -> this.dispatcher.dispatch(
					new ToolInvocation(newInvocationId(), tool.name(), arguments.toString(), tenant, idempotencyKey),
					"invocation:" + tenant))
			.flatMap(ToolsHandler::respond);
	}

	/**
	 * A direct invocation has no turn to suspend and no reviewer: a call the tool's
	 * approval policy would hold is refused (403), never run unreviewed.
	 */
	private static JsonNode requireNoApproval(RegisteredTool tool, JsonNode arguments) {
		String reason = tool.spec().holdReason(arguments);
		if (reason != null) {
			throw new ToolgateException(ErrorType.FORBIDDEN, "approval_required",
					"This call needs a reviewer's approval (" + reason
							+ "); make it in a conversation turn, where it waits for one",
					null, Map.of());
		}
		return arguments;
	}

	private static Mono<ServerResponse> respond(DispatchOutcome outcome) {
		return switch (outcome) {
			case DispatchOutcome.Fresh fresh -> respond(fresh.result(), false);
			case DispatchOutcome.Replayed replayed -> respond(replayed.result(), true);
			case DispatchOutcome.InProgress inProgress -> Mono.error(new ToolgateException(ErrorType.CONFLICT,
					"idempotency_in_progress", "A request with this Idempotency-Key is still running; retry later",
					Duration.ofSeconds(1), Map.of()));
			case DispatchOutcome.Mismatch mismatch ->
				Mono.error(new ToolgateException(ErrorType.UNPROCESSABLE, "idempotency_key_reused",
						"This Idempotency-Key was used with another tool or other arguments", null, Map.of()));
		};
	}

	private static Mono<ServerResponse> respond(ToolResult result, boolean replayed) {
		ToolResult.Error error = result.error();
		if (result.isOk() || error == null) {
			return ServerResponse.ok()
				.header(REPLAYED_HEADER, Boolean.toString(replayed))
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(new InvocationResponse(result.callId(), result.toolName(), result.status().wireName(),
						result.output(), result.duration().toMillis(), result.attempts()));
		}
		return Mono.error(PublicErrors.ofTool(error.type(), error.message()));
	}

	// Not a UUID: UUID.randomUUID() reads SecureRandom, which may block on an event loop.
	private static String newInvocationId() {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "inv_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
				+ Long.toHexString(random.nextLong() | Long.MIN_VALUE).substring(0, 8);
	}

	/**
	 * The body of {@code GET /v1/tools}.
	 *
	 * @param object always {@code list}
	 * @param data the tools
	 */
	public record ToolList(String object, List<ToolDescriptor> data) {
	}

	/**
	 * A tool as {@code GET /v1/tools} shows it.
	 *
	 * @param name the name
	 * @param description what it does
	 * @param inputSchema the JSON Schema of its arguments
	 * @param riskTier {@code low}, {@code medium} or {@code high}
	 * @param timeoutMs the bound of one attempt
	 * @param maxConcurrency the bound of in-flight executions per replica
	 * @param executorType {@code http} or {@code builtin}
	 */
	public record ToolDescriptor(String name, String description, @JsonProperty("input_schema") JsonNode inputSchema,
			@JsonProperty("risk_tier") String riskTier, @JsonProperty("timeout_ms") long timeoutMs,
			@JsonProperty("max_concurrency") int maxConcurrency, @JsonProperty("executor_type") String executorType) {

		static ToolDescriptor of(RegisteredTool tool) {
			ToolSpec spec = tool.spec();
			return new ToolDescriptor(spec.name(), spec.description(), spec.inputSchema(), spec.riskTier().wireName(),
					spec.timeout().toMillis(), spec.maxConcurrency(), spec.executor().type());
		}

	}

	/**
	 * The body of a successful invocation.
	 *
	 * @param id the invocation id, {@code inv_…}
	 * @param tool the tool name
	 * @param status always {@code ok}
	 * @param output the tool's output
	 * @param durationMs wall time, all attempts included
	 * @param attempts how many attempts ran
	 */
	public record InvocationResponse(String id, String tool, String status, @Nullable JsonNode output,
			@JsonProperty("duration_ms") long durationMs, int attempts) {
	}

}
