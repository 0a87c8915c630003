package io.toolgate.store;

import java.time.Instant;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * A tool call held for a reviewer's decision, as stored. The calls held in one step of a
 * turn (one assistant message) form a group, identified by tenant, conversation, turn and
 * iteration; the turn continues once every approval of its group is decided.
 *
 * @param id the approval id, unique within the tenant
 * @param tenant the tenant
 * @param conversationId the conversation of the turn
 * @param turnId the suspended turn
 * @param iteration the model call (1-based) whose step holds the call
 * @param callId the tool call id
 * @param tool the tool name
 * @param arguments the call's arguments as the model gave them, a JSON document
 * @param argumentsHash a hash of {@code arguments}, so a reviewer can tell calls apart
 * @param reason why the call was held
 * @param expiresAt when an undecided approval expires (and the call is denied)
 * @param status pending or the decision taken
 * @param verdict the decision, or {@code null} while pending
 */
public record Approval(String id, String tenant, String conversationId, String turnId, int iteration, String callId,
		String tool, String arguments, String argumentsHash, String reason, Instant expiresAt, ApprovalStatus status,
		@Nullable ApprovalVerdict verdict) {

	public Approval {
		Objects.requireNonNull(id, "id");
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(conversationId, "conversationId");
		Objects.requireNonNull(turnId, "turnId");
		Objects.requireNonNull(callId, "callId");
		Objects.requireNonNull(tool, "tool");
		Objects.requireNonNull(arguments, "arguments");
		Objects.requireNonNull(argumentsHash, "argumentsHash");
		Objects.requireNonNull(reason, "reason");
		Objects.requireNonNull(expiresAt, "expiresAt");
		Objects.requireNonNull(status, "status");
		if ((status == ApprovalStatus.PENDING) != (verdict == null)) {
			throw new IllegalArgumentException("a pending approval has no verdict and a decided one has one");
		}
	}

	/**
	 * A new pending approval.
	 * @param id the approval id
	 * @param tenant the tenant
	 * @param conversationId the conversation
	 * @param turnId the turn
	 * @param iteration the model call of the step
	 * @param callId the tool call id
	 * @param tool the tool name
	 * @param arguments the arguments JSON
	 * @param argumentsHash the arguments' hash
	 * @param reason why it is held
	 * @param expiresAt when it expires
	 * @return the approval
	 */
	public static Approval pending(String id, String tenant, String conversationId, String turnId, int iteration,
			String callId, String tool, String arguments, String argumentsHash, String reason, Instant expiresAt) {
		return new Approval(id, tenant, conversationId, turnId, iteration, callId, tool, arguments, argumentsHash,
				reason, expiresAt, ApprovalStatus.PENDING, null);
	}

	/**
	 * This approval with a decision.
	 * @param verdict the decision
	 * @return the decided approval
	 */
	public Approval decided(ApprovalVerdict verdict) {
		return new Approval(this.id, this.tenant, this.conversationId, this.turnId, this.iteration, this.callId,
				this.tool, this.arguments, this.argumentsHash, this.reason, this.expiresAt, verdict.status(), verdict);
	}

	/** Whether this and another approval belong to the same step of the same turn. */
	public boolean sameStep(Approval other) {
		return this.tenant.equals(other.tenant) && this.conversationId.equals(other.conversationId)
				&& this.turnId.equals(other.turnId) && this.iteration == other.iteration;
	}

}
