package io.toolgate.dispatcher.turn;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.toolgate.dispatcher.audit.AuditContext;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.metrics.ApprovalMetrics;
import io.toolgate.dispatcher.tool.ArgumentsCheck;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.store.Approval;
import io.toolgate.store.ApprovalDecision;
import io.toolgate.store.ApprovalStatus;
import io.toolgate.store.ApprovalStore;
import io.toolgate.store.ApprovalVerdict;
import io.toolgate.store.AuditRecord;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.TurnKey;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Decisions on held tool calls, on any replica: takes a reviewer's decision (once: the
 * store decides atomically), and when it settles the last held call of a step, continues
 * the suspended turn on this replica ({@link DetachedTurns#continueDecided}) under the
 * store's claim on the step, so that one replica continues it. Approvals past their
 * expiry are denied: lazily when a decision arrives late (410), and by a periodic sweep
 * ({@link #startSweep}) so that a turn nobody decides on still continues. The sweep also
 * continues a turn whose settling decision was taken but whose continuation never began
 * (the deciding replica stopped), once the continuation grace has passed.
 */
public final class TurnApprovals {

	private static final Logger logger = LoggerFactory.getLogger(TurnApprovals.class);

	/** How many expired approvals one sweep denies at most. */
	private static final int SWEEP_BATCH = 100;

	/** The bound of a continuation's start, its retries included. */
	private static final Duration CONTINUATION_TIMEOUT = Duration.ofMinutes(2);

	/**
	 * How long a claim on a step's continuation lives: past the continuation's bound, so
	 * that a replica that claimed and stopped leaves the step to the next sweep.
	 */
	private static final Duration CLAIM_TTL = CONTINUATION_TIMEOUT.plusSeconds(30);

	/**
	 * What a continuation may end in that leaves nothing to rescue: the turn went on here
	 * or elsewhere, waits for other decisions, or ended.
	 */
	private static final Set<TurnTakeover.Outcome> CONCLUSIVE = EnumSet.of(TurnTakeover.Outcome.STARTED,
			TurnTakeover.Outcome.ELSEWHERE, TurnTakeover.Outcome.SUSPENDED, TurnTakeover.Outcome.ENDED,
			TurnTakeover.Outcome.CLOSED);

	private final ApprovalStore store;

	private final DetachedTurns turns;

	private final ToolRegistry tools;

	private final Clock clock;

	private final ApprovalMetrics metrics;

	private final AuditTrail audit;

	private final Duration continuationGrace;

	/**
	 * Creates the service.
	 * @param store the approvals
	 * @param turns continues decided turns
	 * @param tools validates edited arguments
	 * @param clock tells expiry
	 * @param metrics counts decisions
	 * @param audit records each decision taken (failing open)
	 * @param continuationGrace how long after the decision that settles a step the sweep
	 * waits before it continues a turn nobody continued (the deciding replica stopped
	 * first); positive
	 */
	public TurnApprovals(ApprovalStore store, DetachedTurns turns, ToolRegistry tools, Clock clock,
			ApprovalMetrics metrics, AuditTrail audit, Duration continuationGrace) {
		if (!continuationGrace.isPositive()) {
			throw new IllegalArgumentException("the continuation grace must be positive");
		}
		this.continuationGrace = continuationGrace;
		this.store = store;
		this.turns = turns;
		this.tools = tools;
		this.clock = clock;
		this.metrics = metrics;
		this.audit = audit;
	}

	/**
	 * Finds a tenant's approval.
	 * @param tenant the tenant
	 * @param id the approval id
	 * @return the approval; errors with 404 if the tenant has none with this id
	 */
	public Mono<Approval> find(String tenant, String id) {
		return this.store.find(tenant, id).switchIfEmpty(Mono.error(() -> ToolgateException.notFound("Approval")));
	}

	/**
	 * Lists a tenant's pending approvals.
	 * @param tenant the tenant
	 * @param limit the most to list
	 * @return the approvals, those expiring first first
	 */
	public Flux<Approval> pending(String tenant, int limit) {
		return this.store.pending(tenant, limit);
	}

	/**
	 * Takes a reviewer's decision.
	 * @param tenant the tenant
	 * @param id the approval id
	 * @param decision {@code approve}, {@code reject} or {@code edit}
	 * @param arguments the edited arguments, for {@code edit} only
	 * @param reason the reviewer's reason, if any
	 * @param keyId the id of the reviewer's API key, for the audit trail, or {@code null}
	 * @return the decided approval: with this decision, or with the same one taken
	 * before; errors with 404 (no such approval for the tenant), 410 (expired: the call
	 * is denied), 409 (another decision was taken) or 422 (edited arguments invalid). A
	 * decision taken is in the audit trail ({@code approval_decision}) before this
	 * completes.
	 */
	public Mono<Approval> decide(String tenant, String id, String decision, @Nullable JsonNode arguments,
			@Nullable String reason, @Nullable String keyId) {
		return find(tenant, id).flatMap(approval -> {
			if (approval.status() == ApprovalStatus.EXPIRED || (approval.status() == ApprovalStatus.PENDING
					&& !this.clock.instant().isBefore(approval.expiresAt()))) {
				return expire(approval).then(Mono.error(() -> expired(approval)));
			}
			ApprovalVerdict verdict = verdict(approval, decision, arguments, reason);
			return this.store.decide(tenant, id, verdict)
				.switchIfEmpty(Mono.error(() -> ToolgateException.notFound("Approval")))
				.flatMap(decided -> answer(decided, verdict, keyId));
		});
	}

	/**
	 * Starts the sweep that denies expired approvals and continues their turns; every
	 * replica runs one (the store decides each approval once).
	 * @param interval how often it runs
	 * @return the running sweep, to dispose at shutdown
	 */
	public Disposable startSweep(Duration interval) {
		return Flux.interval(interval, interval).onBackpressureDrop().concatMap(tick -> sweep().onErrorResume(ex -> {
			logger.warn("Approval expiry sweep failed; the next one tries again: {}", ex.toString());
			return Mono.empty();
		})).subscribe();
	}

	/**
	 * Denies the pending approvals past their expiry (continuing the turns they settle),
	 * then continues turns whose settling decision is older than the grace and whose
	 * continuation nobody marked done: the deciding replica stopped before it began, or
	 * the claim it took expired.
	 */
	Mono<Void> sweep() {
		return this.store.due(this.clock.instant(), SWEEP_BATCH)
			.concatMap(this::expire)
			.thenMany(this.store.settledSteps(this.clock.instant().minus(this.continuationGrace), SWEEP_BATCH))
			.concatMap(step -> continueClaimed(step, "rescued"))
			.then(this.store.countPending())
			.doOnNext(this.metrics::pending)
			.then();
	}

	private Mono<Approval> answer(ApprovalDecision decided, ApprovalVerdict verdict, @Nullable String keyId) {
		Approval approval = decided.approval();
		if (decided.first()) {
			this.metrics.decided(verdict.status().wireName());
			return record(approval, verdict, keyId).then(continueIfSettled(decided)).thenReturn(approval);
		}
		ApprovalVerdict taken = Objects.requireNonNull(approval.verdict());
		if (taken.status() == ApprovalStatus.EXPIRED) {
			return Mono.error(expired(approval));
		}
		if (taken.status() == verdict.status() && Objects.equals(taken.arguments(), verdict.arguments())) {
			return Mono.just(approval);
		}
		return Mono.error(new ToolgateException(ErrorType.CONFLICT, "approval_already_decided",
				"Approval " + approval.id() + " was already decided: " + taken.status().wireName(), null, Map.of()));
	}

	private Mono<Approval> expire(Approval approval) {
		ApprovalVerdict verdict = new ApprovalVerdict(ApprovalStatus.EXPIRED, null, null, this.clock.instant());
		return this.store.decide(approval.tenant(), approval.id(), verdict).flatMap(decided -> {
			if (!decided.first()) {
				return Mono.just(decided.approval());
			}
			this.metrics.decided(ApprovalStatus.EXPIRED.wireName());
			return record(decided.approval(), verdict, null).then(continueIfSettled(decided))
				.thenReturn(decided.approval());
		});
	}

	/**
	 * Records a decision taken in the audit trail, failing open: the decision stands in
	 * the store whatever the trail does.
	 */
	private Mono<Void> record(Approval approval, ApprovalVerdict verdict, @Nullable String keyId) {
		Map<String, String> details = new LinkedHashMap<>();
		details.put("approval_id", approval.id());
		String reason = verdict.reason();
		if (reason != null && !reason.isEmpty()) {
			Map.Entry<String, String> kept = this.audit.reason(reason);
			details.put(kept.getKey(), kept.getValue());
		}
		String arguments = (verdict.arguments() != null) ? verdict.arguments() : approval.arguments();
		return this.audit.appendOrWarn(this.audit.record(AuditRecord.Kind.APPROVAL_DECISION, approval.tenant(),
				new AuditContext(keyId, approval.conversationId(), approval.turnId()), approval.callId(),
				approval.tool(), arguments, verdict.status().wireName(), "decided", 0, details));
	}

	/**
	 * Continues the turn whose step a decision settled, once this replica holds the
	 * step's claim. A failure to claim (the store failed) leaves the step to the sweep.
	 */
	private Mono<Void> continueIfSettled(ApprovalDecision decided) {
		List<Approval> step = decided.settledStep();
		return step.isEmpty() ? Mono.empty() : continueClaimed(step, "decided").onErrorResume(ex -> {
			logger.warn("Turn {} was not continued after its approvals now; the sweep continues it: {}",
					decided.approval().turnId(), ex.toString());
			return Mono.empty();
		});
	}

	/**
	 * Claims a settled step's continuation and, when this replica got the claim, starts
	 * it. Subscribed here, the one place: no caller waits for the turn, which runs
	 * detached and is read from its log. Once it went on (or ended) the step is marked
	 * continued; otherwise the claim expires and the sweep of some replica tries again.
	 */
	private Mono<Void> continueClaimed(List<Approval> step, String how) {
		Approval approval = step.get(0);
		TurnKey key = new TurnKey(new ConversationKey(approval.tenant(), approval.conversationId()), approval.turnId());
		return this.store.claimContinuation(approval, CLAIM_TTL).filter(Boolean::booleanValue).doOnNext(claimed -> {
			this.turns.continueDecided(key, step)
				.timeout(CONTINUATION_TIMEOUT)
				.flatMap(outcome -> CONCLUSIVE.contains(outcome) ? this.store.continued(approval).thenReturn(outcome)
						: Mono.just(outcome))
				.subscribe(
						outcome -> logger.info("Turn {} after its approvals ({}): {}", key.turnId(), how,
								outcome.name().toLowerCase(Locale.ROOT)),
						ex -> logger.warn("Turn {} could not continue after its approvals ({}): {}", key.turnId(), how,
								ex.toString()));
		}).then();
	}

	private ApprovalVerdict verdict(Approval approval, String decision, @Nullable JsonNode arguments,
			@Nullable String reason) {
		return switch (decision) {
			case "approve" -> new ApprovalVerdict(ApprovalStatus.APPROVED, null, reason, this.clock.instant());
			case "reject" -> new ApprovalVerdict(ApprovalStatus.REJECTED, null, reason, this.clock.instant());
			case "edit" -> new ApprovalVerdict(ApprovalStatus.EDITED, editedArguments(approval, arguments), reason,
					this.clock.instant());
			default -> throw ToolgateException.invalidField("decision", "must be one of approve, reject, edit");
		};
	}

	private String editedArguments(Approval approval, @Nullable JsonNode arguments) {
		if (arguments == null || !arguments.isObject()) {
			throw ToolgateException.invalidField("arguments", "must be a JSON object when the decision is edit");
		}
		RegisteredTool tool = this.tools.find(approval.tool())
			.orElseThrow(() -> new ToolgateException(ErrorType.UNPROCESSABLE,
					"The tool '" + approval.tool() + "' is no longer registered"));
		if (tool.validator().check(arguments) instanceof ArgumentsCheck.Invalid invalid) {
			throw new ToolgateException(ErrorType.UNPROCESSABLE,
					"The edited arguments do not match the tool's schema: " + invalid.message());
		}
		return arguments.toString();
	}

	private static ToolgateException expired(Approval approval) {
		return new ToolgateException(ErrorType.GONE, "approval_expired",
				"Approval " + approval.id() + " expired at " + approval.expiresAt() + "; the call was not executed",
				null, Map.of());
	}

}
