package io.toolgate.store;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

import org.jspecify.annotations.Nullable;

/**
 * One action of the audit trail: a tool execution, an approval decision or a budget
 * refusal. It names the caller by tenant and API key id, never by the key itself, and the
 * tool's arguments by their hash; the arguments themselves only when the deployment
 * records them.
 *
 * @param time when the action ended (or was refused)
 * @param kind what was recorded
 * @param tenant the tenant
 * @param keyId the id of the API key the request came with, or {@code null}
 * @param conversationId the conversation, or {@code null} for a direct invocation
 * @param turnId the turn, or {@code null}
 * @param callId the tool call id, or {@code null}
 * @param tool the tool name, or {@code null} when the action concerns none
 * @param argumentsHash {@code sha256:} and the hex SHA-256 of the arguments as given, or
 * {@code null}
 * @param arguments the arguments as given, only when configured; else {@code null}
 * @param decision what was decided about the action: {@code allowed} for a call that ran
 * (or was tried), {@code denied} for one refused before it ran, or an approval or budget
 * decision
 * @param outcome how it ended: {@code ok}, an error type, or {@code not_executed}
 * @param durationMs how long it took, in milliseconds
 * @param replica the replica that recorded it
 * @param details what else the kind records, by name (an approval's id and the reviewer's
 * reason or its hash; the budget, its limit and what was used); empty for none. Names are
 * lower-case words joined by {@code _}.
 */
public record AuditRecord(Instant time, Kind kind, String tenant, @Nullable String keyId,
		@Nullable String conversationId, @Nullable String turnId, @Nullable String callId, @Nullable String tool,
		@Nullable String argumentsHash, @Nullable String arguments, String decision, String outcome, long durationMs,
		String replica, Map<String, String> details) {

	/**
	 * Checks the required fields and copies the details.
	 * @throws NullPointerException if a required field is missing
	 * @throws IllegalArgumentException if the duration is negative or a detail's name is
	 * not lower-case words joined by {@code _}
	 */
	public AuditRecord {
		details = (details != null) ? Map.copyOf(details) : Map.of();
		for (String name : details.keySet()) {
			if (!name.matches("[a-z][a-z0-9_]{0,39}")) {
				throw new IllegalArgumentException("detail names are lower-case words joined by _, got '" + name + "'");
			}
		}
		Objects.requireNonNull(time, "time");
		Objects.requireNonNull(kind, "kind");
		Objects.requireNonNull(tenant, "tenant");
		Objects.requireNonNull(decision, "decision");
		Objects.requireNonNull(outcome, "outcome");
		Objects.requireNonNull(replica, "replica");
		if (durationMs < 0) {
			throw new IllegalArgumentException("durationMs must not be negative");
		}
	}

	/**
	 * A record without details.
	 * @param time when the action ended
	 * @param kind what was recorded
	 * @param tenant the tenant
	 * @param keyId the API key id, or {@code null}
	 * @param conversationId the conversation, or {@code null}
	 * @param turnId the turn, or {@code null}
	 * @param callId the tool call id, or {@code null}
	 * @param tool the tool name, or {@code null}
	 * @param argumentsHash the arguments' hash, or {@code null}
	 * @param arguments the arguments, or {@code null}
	 * @param decision what was decided
	 * @param outcome how it ended
	 * @param durationMs how long it took
	 * @param replica the replica that recorded it
	 */
	public AuditRecord(Instant time, Kind kind, String tenant, @Nullable String keyId, @Nullable String conversationId,
			@Nullable String turnId, @Nullable String callId, @Nullable String tool, @Nullable String argumentsHash,
			@Nullable String arguments, String decision, String outcome, long durationMs, String replica) {
		this(time, kind, tenant, keyId, conversationId, turnId, callId, tool, argumentsHash, arguments, decision,
				outcome, durationMs, replica, Map.of());
	}

	/** What an audit record records. */
	public enum Kind {

		/** A tool call the gateway ran, or refused to run. */
		TOOL_EXECUTION("tool_execution"),

		/** A reviewer's decision on a held tool call. */
		APPROVAL_DECISION("approval_decision"),

		/** A request or turn refused because a spend budget was exhausted. */
		BUDGET_REFUSAL("budget_refusal");

		private final String wireName;

		Kind(String wireName) {
			this.wireName = wireName;
		}

		/** The name records are stored and served under. */
		public String wireName() {
			return this.wireName;
		}

		/**
		 * The kind of a wire name.
		 * @param wireName a name {@link #wireName()} returned
		 * @return the kind
		 * @throws IllegalArgumentException if no kind has that name
		 */
		public static Kind of(String wireName) {
			for (Kind kind : values()) {
				if (kind.wireName.equals(wireName)) {
					return kind;
				}
			}
			throw new IllegalArgumentException("no audit record kind '" + wireName + "'");
		}

	}

}
