package io.toolgate.dispatcher.web;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.toolgate.dispatcher.auth.ApiKeyAuthenticationFilter;
import io.toolgate.dispatcher.auth.Tenant;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.turn.TurnApprovals;
import io.toolgate.store.Approval;
import io.toolgate.store.ApprovalVerdict;
import org.jspecify.annotations.Nullable;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code /v1/approvals}: a tenant's pending approvals and the decisions on them. Another
 * tenant's approval is 404. A decision is idempotent by itself: the same decision again
 * (with or without the same {@code Idempotency-Key}) answers as the first did, another
 * one is 409. Each decision taken is recorded in the audit trail
 * ({@code approval_decision}) before the answer goes out.
 */
public final class ApprovalsHandler {

	/** The most approvals one listing returns. */
	static final int MAX_LISTED = 100;

	private final TurnApprovals approvals;

	private final JsonBodyReader bodies;

	/**
	 * Creates the handler.
	 * @param approvals the decisions
	 * @param jsonMapper binds bodies
	 */
	public ApprovalsHandler(TurnApprovals approvals, JsonMapper jsonMapper) {
		this.approvals = approvals;
		this.bodies = new JsonBodyReader(jsonMapper, DecisionBody.class);
	}

	/** {@code GET /v1/approvals?status=pending}. */
	public Mono<ServerResponse> list(ServerRequest request) {
		String status = request.queryParam("status").orElse("pending");
		if (!"pending".equals(status)) {
			return Mono.error(ToolgateException.invalidField("status", "must be pending"));
		}
		return this.approvals.pending(Tenant.from(request).id(), MAX_LISTED)
			.map(ApprovalView::of)
			.collectList()
			.flatMap(data -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(new ApprovalList("list", data)));
	}

	/** {@code GET /v1/approvals/{id}}. */
	public Mono<ServerResponse> get(ServerRequest request) {
		return this.approvals.find(Tenant.from(request).id(), approvalId(request))
			.flatMap(approval -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(ApprovalView.of(approval)));
	}

	/** {@code POST /v1/approvals/{id}}. */
	public Mono<ServerResponse> decide(ServerRequest request) {
		String tenant = Tenant.from(request).id();
		String id = approvalId(request);
		return this.bodies.tree(request)
			.switchIfEmpty(Mono.error(() -> ToolgateException.invalidField("body", "is required")))
			.map(tree -> this.bodies.bind(JsonBodyReader.requireObject(tree), DecisionBody.class))
			.flatMap(body -> {
				String decision = body.decision();
				if (decision == null) {
					return Mono.error(ToolgateException.invalidField("decision", "is required"));
				}
				if (!"edit".equals(decision) && body.arguments() != null) {
					return Mono.error(ToolgateException.invalidField("arguments", "is only allowed with edit"));
				}
				if (body.reason() != null && body.reason().length() > 2_000) {
					return Mono.error(ToolgateException.invalidField("reason", "must be at most 2000 characters"));
				}
				return this.approvals.decide(tenant, id, decision, body.arguments(), body.reason(),
						ApiKeyAuthenticationFilter.keyId(request.exchange()));
			})
			.flatMap(approval -> ServerResponse.ok()
				.contentType(MediaType.APPLICATION_JSON)
				.bodyValue(ApprovalView.of(approval)));
	}

	private static String approvalId(ServerRequest request) {
		String id = request.pathVariable("id");
		if (id.isEmpty() || id.length() > 100) {
			throw ToolgateException.invalidField("id", "must be an approval id");
		}
		return id;
	}

	/**
	 * The body of {@code POST /v1/approvals/{id}}.
	 *
	 * @param decision {@code approve}, {@code reject} or {@code edit}
	 * @param arguments the edited arguments, with {@code edit} only
	 * @param reason the reviewer's reason
	 */
	public record DecisionBody(@Nullable String decision, @Nullable JsonNode arguments, @Nullable String reason) {
	}

	/**
	 * The body of {@code GET /v1/approvals}.
	 *
	 * @param object always {@code list}
	 * @param data the approvals
	 */
	public record ApprovalList(String object, List<ApprovalView> data) {
	}

	/**
	 * An approval as the API shows it.
	 *
	 * @param id the approval id
	 * @param status {@code pending}, {@code approved}, {@code edited}, {@code rejected}
	 * or {@code expired}
	 * @param conversationId the conversation
	 * @param turnId the suspended turn
	 * @param callId the tool call
	 * @param tool the tool
	 * @param arguments the arguments the model gave
	 * @param argumentsHash their hash
	 * @param reason why the call was held
	 * @param expiresAt when it expires
	 * @param decision the decision taken, if any
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record ApprovalView(String id, String status, @JsonProperty("conversation_id") String conversationId,
			@JsonProperty("turn_id") String turnId, @JsonProperty("call_id") String callId, String tool,
			String arguments, @JsonProperty("arguments_hash") String argumentsHash, String reason,
			@JsonProperty("expires_at") String expiresAt, @Nullable DecisionView decision) {

		static ApprovalView of(Approval approval) {
			ApprovalVerdict verdict = approval.verdict();
			return new ApprovalView(approval.id(), approval.status().wireName(), approval.conversationId(),
					approval.turnId(), approval.callId(), approval.tool(), approval.arguments(),
					approval.argumentsHash(), approval.reason(), approval.expiresAt().toString(),
					(verdict != null) ? new DecisionView(verdict.status().wireName(), verdict.reason(),
							verdict.arguments(), verdict.decidedAt().toString()) : null);
		}

	}

	/**
	 * A decision as the API shows it.
	 *
	 * @param decision {@code approved}, {@code edited}, {@code rejected} or
	 * {@code expired}
	 * @param reason the reviewer's reason
	 * @param arguments the edited arguments
	 * @param decidedAt when it was taken
	 */
	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record DecisionView(String decision, @Nullable String reason, @Nullable String arguments,
			@JsonProperty("decided_at") String decidedAt) {
	}

}
