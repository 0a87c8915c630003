package io.toolgate.dispatcher.turn;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.toolgate.dispatcher.audit.AuditContext;
import io.toolgate.dispatcher.audit.AuditTrail;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.policy.TokenBudget;
import io.toolgate.dispatcher.spend.BudgetExhaustedException;
import io.toolgate.dispatcher.spend.SpendBudget;
import io.toolgate.dispatcher.spend.SpendPlans;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolResultFraming;
import io.toolgate.store.AuditRecord;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.upstream.ModelClient;
import io.toolgate.streaming.upstream.ModelEvent;
import io.toolgate.streaming.upstream.UpstreamException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the turn loop: the model ({@link ModelCall}), then the tools it asked for in
 * parallel ({@link ToolRound}), then the model again, until it answers, the iteration cap
 * is reached, a loop is detected, a budget or cap would be passed
 * ({@code budget_exhausted}) or the deadline passes. The returned flux is lazy and cold;
 * cancelling it cancels the model call and running tool calls. Failures of the model or
 * the store are signalled as errors; {@link #errorEvent(Throwable)} turns them into the
 * terminal {@code turn.error} event.
 */
public class TurnEngine {

	private final ModelCall modelCall;

	private final ToolRound toolRound;

	private final TurnSettings settings;

	private final ToolgateMetrics metrics;

	private final TurnCapCheck caps;

	private final AuditTrail audit;

	/**
	 * Creates the engine.
	 * @param model the model
	 * @param tools the server-side tools offered to the model
	 * @param dispatcher executes server-side tool calls, each at most once per turn and
	 * call id
	 * @param settings loop bounds
	 * @param jsonMapper JSON for tool results
	 * @param metrics records turns and model calls
	 * @param budget the tenants' model-token budgets
	 * @param spend the spend budgets of tenants and conversations; {@code null} when
	 * spend is not accounted
	 * @param framing frames tool results for the model and says so in a system notice
	 * @param gate holds the calls that need a reviewer's approval
	 * @param plans the prices and the turn caps by tenant
	 * @param audit where turns ended by a cap are recorded
	 */
	public TurnEngine(ModelClient model, ToolRegistry tools, IdempotentDispatch dispatcher, TurnSettings settings,
			JsonMapper jsonMapper, ToolgateMetrics metrics, TokenBudget budget, @Nullable SpendBudget spend,
			ToolResultFraming framing, ApprovalGate gate, SpendPlans plans, AuditTrail audit) {
		this.caps = new TurnCapCheck(plans, budget.estimator(), spend != null);
		this.audit = audit;
		this.modelCall = new ModelCall(model, tools, settings.historyTokenBudget(), metrics, budget, spend,
				framing.notice(), this.caps);
		this.toolRound = new ToolRound(dispatcher, jsonMapper, framing, settings.maxParallelTools(),
				settings.leaseTtl(), gate);
		this.settings = settings;
		this.metrics = metrics;
	}

	/**
	 * Runs a turn that cannot suspend: calls that need approval are not run, and the
	 * model sees why.
	 * @param request what the turn starts from
	 * @return its events, starting with {@code turn.started} and ending with
	 * {@code turn.completed}; errors with {@link UpstreamException} or a store exception
	 */
	public Flux<TurnEvent> run(TurnRequest request) {
		return this.metrics.turns()
			.turn(request.tenant(), request.turnId(), loop(request, false), ex -> errorEvent(ex).code());
	}

	/**
	 * Runs a conversation turn whose events go to its log: as {@link #run}, except that
	 * calls that need approval are held, and the turn then ends its events with their
	 * {@code approval.required} events and no terminal one, to be continued once they are
	 * decided ({@link TurnApprovals}).
	 * @param request what the turn starts from
	 * @return its events
	 */
	Flux<TurnEvent> runSuspendable(TurnRequest request) {
		return this.metrics.turns()
			.turn(request.tenant(), request.turnId(), loop(request, true), ex -> errorEvent(ex).code());
	}

	/**
	 * Continues a turn another replica began, from its last stored step:
	 * {@code turn.resumed} first, then the pending step's tools (calls that ran already
	 * are not run again) or the model call of the step, and on as {@link #run} does. The
	 * conversation in {@code request.history()} holds every complete step of the turn.
	 * @param request what the turn continues from; its input is empty
	 * @param from where the turn stopped
	 * @return its events, starting with {@code turn.resumed}; errors as {@link #run} does
	 */
	Flux<TurnEvent> resume(TurnRequest request, TurnResumption from) {
		return this.metrics.turns()
			.turn(request.tenant(), request.turnId(), resumedLoop(request, from), ex -> errorEvent(ex).code());
	}

	private Flux<TurnEvent> loop(TurnRequest request, boolean suspendable) {
		return Flux.defer(() -> {
			TurnState state = new TurnState(request, false);
			state.suspendable = suspendable;
			// The user's message is stored before turn.started is: a replica taking the
			// turn over knows from a
			// turn.started in the log that the conversation holds the turn's input.
			Flux<TurnEvent> loop = Flux.concat(request.writer().append(request.input()).then(Mono.empty()),
					Mono.just(new TurnEvent.TurnStarted(request.turnId(),
							request.conversationId() != null ? request.conversationId() : "", request.model())),
					Flux.defer(() -> iterate(state)));
			return withDeadline(state, loop);
		});
	}

	private Flux<TurnEvent> resumedLoop(TurnRequest request, TurnResumption from) {
		return Flux.defer(() -> {
			TurnState state = new TurnState(request, true);
			state.suspendable = true;
			state.approvedCalls = from.approved();
			state.usage = from.spent().usage();
			state.costMicros = from.spent().costMicros();
			state.toolCalls = from.spent().toolCalls();
			TurnEvent resumed = new TurnEvent.TurnResumed(request.turnId(),
					request.conversationId() != null ? request.conversationId() : "", request.model(),
					from.iteration());
			Flux<TurnEvent> rest;
			if (from.answer() != null) {
				state.iteration = from.iteration();
				rest = Flux.just(state.complete("stop", from.answer(), null));
			}
			else if (from.pendingStep() != null) {
				state.iteration = from.iteration();
				state.lastContent = from.pendingStep().content();
				rest = Flux.concat(Flux.fromIterable(from.preface()),
						this.toolRound.run(state, from.pendingStep(), from.results(), false), unlessSuspended(state));
			}
			else {
				state.iteration = from.iteration() - 1;
				rest = Flux.defer(() -> iterate(state));
			}
			return withDeadline(state, Flux.concat(Mono.just(resumed), rest));
		});
	}

	private Flux<TurnEvent> withDeadline(TurnState state, Flux<TurnEvent> loop) {
		return loop.takeUntilOther(Mono.delay(this.settings.deadline()))
			.concatWith(Flux.defer(() -> (state.finished || state.suspended) ? Flux.empty()
					: Flux.just(state.complete("deadline", state.lastContent, null))));
	}

	/** The rest of the turn after a step, unless the step suspended it. */
	private Flux<TurnEvent> unlessSuspended(TurnState state) {
		return Flux.defer(() -> state.suspended ? Flux.empty() : iterate(state));
	}

	/**
	 * Returns the terminal {@code error} event for a failed turn:
	 * {@link PublicErrors#event(Throwable)}.
	 */
	public static TurnEvent.Error errorEvent(Throwable error) {
		return PublicErrors.event(error);
	}

	private Flux<TurnEvent> iterate(TurnState state) {
		if (state.iteration >= this.settings.maxIterations()) {
			return Flux.just(state.complete("max_iterations", state.lastContent, null));
		}
		int iteration = ++state.iteration;
		AtomicReference<ModelEvent.Completed> completed = new AtomicReference<>();
		Flux<ModelEvent> call = this.modelCall.call(state);
		// filter and map rather than handle (or mapNotNull, built on it), which restores
		// the context's thread
		// locals around every token when context-propagation is on the class path.
		Flux<TurnEvent> tokens = call.filter(event -> {
			if (event instanceof ModelEvent.Completed done) {
				completed.set(done);
				return false;
			}
			return true;
		}).map(event -> (TurnEvent) new TurnEvent.Token(((ModelEvent.Token) event).text(), iteration));
		return Flux.concat(tokens.onErrorResume(BudgetExhaustedException.class, refusal -> refused(state, refusal)),
				Flux.defer(() -> state.finished ? Flux.empty() : afterModel(state, completed.get())));
	}

	/**
	 * A model call refused by a budget or cap. A turn cap ends the turn; so does a
	 * tenant's or conversation's budget once the turn has made a model call (or was
	 * continued), while a refusal of a turn's first call stays an error (429 where the
	 * response has not begun).
	 */
	private Flux<TurnEvent> refused(TurnState state, BudgetExhaustedException refusal) {
		boolean started = state.iteration > 1 || state.resumed;
		if (!refusal.budget().isTurnCap() && !started) {
			return Flux.error(refusal);
		}
		// The refused call was counted when it was about to be made; it was not.
		state.iteration--;
		return exhausted(state, refusal);
	}

	/**
	 * Ends the turn with {@code budget_exhausted}. A turn cap is recorded in the audit
	 * trail first (failing open); the ledger recorded its own refusals.
	 */
	private Flux<TurnEvent> exhausted(TurnState state, BudgetExhaustedException refusal) {
		Mono<Void> recorded = Mono.empty();
		if (refusal.budget().isTurnCap()) {
			TurnRequest request = state.request;
			recorded = this.audit.appendOrWarn(this.audit.record(AuditRecord.Kind.BUDGET_REFUSAL, request.tenant(),
					new AuditContext(request.keyId(), request.conversationId(), request.turnId()), null, null, null,
					"refused", "not_executed", 0, refusal.auditDetails()));
		}
		return recorded.thenMany(Mono.fromSupplier(() -> state.exhausted(refusal.toExhaustedBudget())));
	}

	private Flux<TurnEvent> afterModel(TurnState state, ModelEvent.Completed completed) {
		if (completed == null) {
			return Flux.error(new UpstreamException(UpstreamException.Kind.STREAM_CUT, 0,
					"the model stream ended without a complete message", null));
		}
		TurnEvent.UsageUpdate usage = this.caps.reconcile(state, completed.usage());
		Flux<TurnEvent> reconciled = (usage != null) ? Flux.just(usage) : Flux.empty();
		ChatMessage message = completed.message();
		state.lastContent = message.content();
		return Flux.concat(reconciled, Flux.defer(() -> afterReconciled(state, message, completed.finishReason())));
	}

	private Flux<TurnEvent> afterReconciled(TurnState state, ChatMessage message, String finishReason) {
		if (!message.hasToolCalls()) {
			String reason = "length".equals(finishReason) ? "length" : "stop";
			return state.writer()
				.appendAnswer(List.of(message))
				.thenMany(Flux.just(state.complete(reason, message.content(), null)));
		}
		List<ToolCall> serverCalls = new ArrayList<>();
		List<ToolCall> clientCalls = new ArrayList<>();
		for (ToolCall call : message.toolCalls()) {
			(state.clientToolNames.contains(call.function().name()) ? clientCalls : serverCalls).add(call);
		}
		if (serverCalls.isEmpty()) {
			return state.writer()
				.appendAnswer(List.of(message))
				.thenMany(Flux.just(state.complete("tool_calls", message.content(), clientCalls)));
		}
		if (state.repeatsPastBound(serverCalls, this.settings.loopThreshold())) {
			return Flux.just(state.complete("loop_detected", message.content(), null));
		}
		BudgetExhaustedException over = this.caps.beforeToolRound(state, serverCalls.size());
		if (over != null) {
			return exhausted(state, over);
		}
		state.toolCalls += serverCalls.size();
		ChatMessage serverMessage = ChatMessage.assistant(message.content(), serverCalls);
		Flux<TurnEvent> next = clientCalls.isEmpty() ? unlessSuspended(state)
				: Flux.defer(() -> state.suspended ? Flux.empty()
						: state.writer()
							.appendAnswer(List.of(ChatMessage.assistant(null, clientCalls)))
							.thenMany(Flux.just(state.complete("tool_calls", message.content(), clientCalls))));
		return Flux.concat(this.toolRound.run(state, serverMessage, Map.of(), true), next);
	}

}
