package io.toolgate.dispatcher.turn;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.toolgate.dispatcher.tool.ArgumentsCheck;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolResult;
import io.toolgate.store.Approval;
import io.toolgate.store.ApprovalStatus;
import io.toolgate.store.ApprovalStore;
import io.toolgate.store.ApprovalVerdict;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ToolCall;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The approval gate of the turn loop: tells which calls of a step wait for a reviewer
 * ({@link io.toolgate.dispatcher.tool.ToolSpec#holdReason}), stores them as pending
 * approvals, and gives the results the model sees for calls that were not run (rejected,
 * expired, or held where the turn cannot wait). A call whose arguments are not valid JSON
 * or fail the schema is never held: it does not run anyway, and the model sees why.
 */
public final class ApprovalGate {

	/** The error type of a call a reviewer rejected. */
	public static final String REJECTED = "approval_rejected";

	/** The error type of a call whose approval expired. */
	public static final String EXPIRED = "approval_expired";

	/**
	 * The error type of a call that needs approval in a turn that cannot wait for one.
	 */
	public static final String UNAVAILABLE = "approval_unavailable";

	/** The decisions a reviewer may take, as {@code approval.required} lists them. */
	public static final List<String> DECISIONS = List.of("approve", "reject", "edit");

	private final ToolRegistry tools;

	private final ApprovalStore store;

	private final Duration timeout;

	private final Duration retention;

	private final Clock clock;

	/**
	 * Creates the gate.
	 * @param tools the registry, whose specs say which calls are held
	 * @param store where held calls wait
	 * @param timeout how long an approval waits before it expires
	 * @param retention how long a decided or expired approval is kept
	 * @param clock stamps expiries
	 */
	public ApprovalGate(ToolRegistry tools, ApprovalStore store, Duration timeout, Duration retention, Clock clock) {
		this.tools = tools;
		this.store = store;
		this.timeout = timeout;
		this.retention = retention;
		this.clock = clock;
	}

	/**
	 * Tells why a call must wait for approval.
	 * @param call the call
	 * @param tenant the tenant whose turn makes it: a tool it may not use is unknown, so
	 * the call fails without approval as any unknown tool's does
	 * @return the reason, or {@code null} when it runs (or fails) without approval
	 */
	@Nullable String holdReason(ToolCall call, String tenant) {
		RegisteredTool tool = this.tools.find(call.function().name(), tenant).orElse(null);
		if (tool == null) {
			return null;
		}
		if (tool.validator().check(call.function().arguments()) instanceof ArgumentsCheck.Valid valid) {
			return tool.spec().holdReason(valid.arguments());
		}
		return null;
	}

	/**
	 * Stores the held calls of a step as pending approvals, and returns their
	 * {@code approval.required} events.
	 * @param state the turn (a conversation turn)
	 * @param calls the held calls
	 * @param reasons why each was held
	 * @return the events, once the approvals are stored
	 */
	Mono<List<TurnEvent.ApprovalRequired>> hold(TurnState state, List<ToolCall> calls, List<String> reasons) {
		return Mono.defer(() -> {
			TurnRequest request = state.request;
			Instant expiresAt = this.clock.instant().plus(this.timeout);
			List<Approval> approvals = new ArrayList<>(calls.size());
			List<TurnEvent.ApprovalRequired> events = new ArrayList<>(calls.size());
			for (int i = 0; i < calls.size(); i++) {
				ToolCall call = calls.get(i);
				String arguments = call.function().arguments();
				Approval approval = Approval.pending(newApprovalId(), request.tenant(),
						String.valueOf(request.conversationId()), request.turnId(), state.iteration, call.id(),
						call.function().name(), arguments, hash(arguments), reasons.get(i), expiresAt);
				approvals.add(approval);
				events.add(new TurnEvent.ApprovalRequired(approval.id(), call.id(), approval.tool(), arguments,
						approval.argumentsHash(), approval.reason(), DECISIONS, expiresAt.toString(), state.iteration));
			}
			return this.store.hold(approvals, this.retention).thenReturn(events);
		});
	}

	/**
	 * The result the model sees for a held call that did not run.
	 * @param callId the call id
	 * @param tool the tool name
	 * @param verdict why it did not run: rejected or expired
	 * @return the error result
	 */
	static TurnEvent.ToolResult denied(String callId, String tool, ApprovalVerdict verdict) {
		String message;
		String type;
		if (verdict.status() == ApprovalStatus.EXPIRED) {
			type = EXPIRED;
			message = "not executed: the approval expired before a reviewer decided";
		}
		else {
			type = REJECTED;
			String reason = verdict.reason();
			message = "not executed: rejected by a reviewer"
					+ ((reason != null && !reason.isBlank()) ? ": " + reason : "");
		}
		return ToolRound
			.event(ToolResult.failed(callId, tool, new ToolResult.Error(type, message, false), Duration.ZERO, 0));
	}

	/**
	 * The result the model sees for a call that needs approval in a turn that cannot
	 * suspend (a chat completion).
	 */
	static TurnEvent.ToolResult unavailable(ToolCall call) {
		return ToolRound.event(ToolResult.failed(call.id(), call.function().name(), new ToolResult.Error(UNAVAILABLE,
				"not executed: the tool needs a reviewer's approval, which this request cannot wait for", false),
				Duration.ZERO, 0));
	}

	/**
	 * The hash of a call's arguments as {@code approval.required} shows it.
	 * @param arguments the arguments JSON
	 * @return {@code sha256:} and the hex digest
	 */
	public static String hash(String arguments) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256").digest(arguments.getBytes(StandardCharsets.UTF_8));
			return "sha256:" + HexFormat.of().formatHex(digest);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("SHA-256 is missing from the JDK", ex);
		}
	}

	private static String newApprovalId() {
		// Approval ids are tenant-scoped; they need uniqueness, not secrecy (see
		// TurnCoordinator#newTurnId).
		ThreadLocalRandom random = ThreadLocalRandom.current();
		return "apr_" + Long.toHexString(random.nextLong() | Long.MIN_VALUE)
				+ Long.toHexString(random.nextLong() | Long.MIN_VALUE);
	}

}
