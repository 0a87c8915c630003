package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.toolgate.dispatcher.config.TurnProperties;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.policy.RateLimitPolicy;
import io.toolgate.dispatcher.tool.IdempotencyKeys;
import io.toolgate.dispatcher.tool.IdempotentDispatch;
import io.toolgate.dispatcher.tool.ToolInvocation;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.ToolDefinition;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.ModelClient;
import io.toolgate.streaming.upstream.ModelEvent;
import io.toolgate.streaming.upstream.UpstreamException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs the turn loop: model, then the tools it asked for in parallel, then the model again, until it answers,
 * the iteration cap is reached, a loop is detected or the deadline passes. The returned flux is lazy and cold;
 * cancelling it cancels the model call and running tool calls. Failures of the model or the store are signalled
 * as errors; {@link #errorEvent(Throwable)} turns them into the terminal {@code error} event.
 */
public class TurnEngine {

	/** The largest tool result passed to the model, in characters; longer results are truncated. */
	static final int MAX_TOOL_RESULT_CHARS = 32_768;

	private final ModelClient model;

	private final ToolRegistry tools;

	private final IdempotentDispatch dispatcher;

	private final TurnProperties properties;

	private final HistoryTrimmer trimmer;

	private final JsonMapper jsonMapper;

	private final ToolgateMetrics metrics;

	private final RateLimitPolicy rateLimits;

	/**
	 * Creates the engine.
	 * @param model the model
	 * @param tools the server-side tools offered to the model
	 * @param dispatcher executes server-side tool calls, each at most once per turn and call id
	 * @param properties loop bounds
	 * @param jsonMapper JSON for tool results
	 * @param metrics records turns and model calls
	 * @param rateLimits the tenants' model-token budgets
	 */
	public TurnEngine(ModelClient model, ToolRegistry tools, IdempotentDispatch dispatcher, TurnProperties properties,
			JsonMapper jsonMapper, ToolgateMetrics metrics, RateLimitPolicy rateLimits) {
		this.rateLimits = rateLimits;
		this.model = model;
		this.tools = tools;
		this.dispatcher = dispatcher;
		this.properties = properties;
		this.trimmer = new HistoryTrimmer(properties.historyTokenBudget(), rateLimits.tokenEstimator());
		this.jsonMapper = jsonMapper;
		this.metrics = metrics;
	}

	/**
	 * Runs a turn.
	 * @param request what the turn starts from
	 * @return its events, starting with {@code turn.started} and ending with {@code turn.completed}; errors
	 * with {@link UpstreamException} or a store exception
	 */
	public Flux<TurnEvent> run(TurnRequest request) {
		return this.metrics.turns()
			.turn(request.tenant(), request.turnId(), loop(request), ex -> errorEvent(ex).code());
	}

	/**
	 * Continues a turn another replica began, from its last stored step: {@code turn.resumed} first, then the
	 * pending step's tools (calls that ran already are not run again) or the model call of the step, and on as
	 * {@link #run} does. The conversation in {@code request.history()} holds every complete step of the turn.
	 * @param request what the turn continues from; its input is empty
	 * @param from where the turn stopped
	 * @return its events, starting with {@code turn.resumed}; errors as {@link #run} does
	 */
	Flux<TurnEvent> resume(TurnRequest request, TurnResumption from) {
		return this.metrics.turns()
			.turn(request.tenant(), request.turnId(), resumedLoop(request, from), ex -> errorEvent(ex).code());
	}

	private Flux<TurnEvent> loop(TurnRequest request) {
		return Flux.defer(() -> {
			TurnState state = new TurnState(request, false);
			// The user's message is stored before turn.started is: a replica taking the turn over knows from a
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
				rest = Flux.concat(runTools(state, from.pendingStep(), from.results(), false),
						Flux.defer(() -> iterate(state)));
			}
			else {
				state.iteration = from.iteration() - 1;
				rest = Flux.defer(() -> iterate(state));
			}
			return withDeadline(state, Flux.concat(Mono.just(resumed), rest));
		});
	}

	private Flux<TurnEvent> withDeadline(TurnState state, Flux<TurnEvent> loop) {
		return loop.takeUntilOther(Mono.delay(this.properties.deadline()))
			.concatWith(Flux.defer(() -> state.finished ? Flux.empty()
					: Flux.just(state.complete("deadline", state.lastContent, null))));
	}

	/** Returns the terminal {@code error} event for a failed turn: {@link PublicErrors#event(Throwable)}. */
	public static TurnEvent.Error errorEvent(Throwable error) {
		return PublicErrors.event(error);
	}

	private Flux<TurnEvent> iterate(TurnState state) {
		if (state.iteration >= this.properties.maxIterations()) {
			return Flux.just(state.complete("max_iterations", state.lastContent, null));
		}
		int iteration = ++state.iteration;
		AtomicReference<ModelEvent.Completed> completed = new AtomicReference<>();
		Flux<ModelEvent> call = this.metrics.models()
			.stream(this.model.providerName(), state.request.model(), limitedModelCall(state, modelRequest(state)));
		// filter and map rather than handle (or mapNotNull, built on it), which restores the context's thread
		// locals around every token when context-propagation is on the class path.
		Flux<TurnEvent> tokens = call.filter(event -> {
			if (event instanceof ModelEvent.Completed done) {
				completed.set(done);
				return false;
			}
			return true;
		}).map(event -> new TurnEvent.Token(((ModelEvent.Token) event).text(), iteration));
		return Flux.concat(tokens, Flux.defer(() -> afterModel(state, completed.get())));
	}

	/**
	 * Calls the model under the tenant's token budget: an estimate is reserved before the call and reconciled
	 * with what the call really used, however it ends.
	 */
	private Flux<ModelEvent> limitedModelCall(TurnState state, ChatCompletionRequest request) {
		Integer maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
		long promptEstimate = this.rateLimits.estimateTokens(request.messages(), 0);
		long estimate = this.rateLimits.estimateTokens(request.messages(), maxTokens);
		AtomicLong used = new AtomicLong(promptEstimate);
		return Flux.usingWhen(this.rateLimits.reserve(state.request.tenant(), estimate),
				reservation -> modelCall(state, request).doOnNext(event -> {
					if (event instanceof ModelEvent.Token) {
						used.incrementAndGet();
					}
					else if (event instanceof ModelEvent.Completed done && done.usage().totalTokens() > 0) {
						used.set(done.usage().totalTokens());
					}
				}), reservation -> this.rateLimits.reconcile(reservation, used.get()),
				(reservation, error) -> this.rateLimits.reconcile(reservation, used.get()),
				reservation -> this.rateLimits.reconcile(reservation, used.get()));
	}

	/**
	 * Streams the model's answer, or, for a client that wants no tokens (a non-streaming chat completion), asks for
	 * it whole: one response to decode instead of a chunk per token.
	 */
	private Flux<ModelEvent> modelCall(TurnState state, ChatCompletionRequest request) {
		if (state.request.streamTokens()) {
			return this.model.stream(request);
		}
		return this.model.complete(request).map(TurnEngine::completed).flux();
	}

	private static ModelEvent completed(ChatCompletionResponse response) {
		if (response.choices() == null || response.choices().isEmpty()) {
			throw new UpstreamException(UpstreamException.Kind.MALFORMED, 0, "the model's response has no choices",
					null);
		}
		ChatCompletionResponse.Choice choice = response.choices().get(0);
		ChatMessage message = choice.message();
		if (message == null) {
			throw new UpstreamException(UpstreamException.Kind.MALFORMED, 0, "the model's response has no message",
					null);
		}
		ChatMessage assistant = ChatMessage.assistant(message.content(),
				message.toolCalls() != null ? message.toolCalls() : List.of());
		return new ModelEvent.Completed(assistant, choice.finishReason() != null ? choice.finishReason() : "stop",
				response.usage() != null ? response.usage() : Usage.ZERO, response.model());
	}

	private Flux<TurnEvent> afterModel(TurnState state, ModelEvent.Completed completed) {
		if (completed == null) {
			return Flux.error(new UpstreamException(UpstreamException.Kind.STREAM_CUT, 0,
					"the model stream ended without a complete message", null));
		}
		state.usage = state.usage.plus(completed.usage());
		ChatMessage message = completed.message();
		state.lastContent = message.content();
		if (!message.hasToolCalls()) {
			String reason = "length".equals(completed.finishReason()) ? "length" : "stop";
			return state.writer()
				.append(List.of(message))
				.thenMany(Flux.just(state.complete(reason, message.content(), null)));
		}
		List<ToolCall> serverCalls = new ArrayList<>();
		List<ToolCall> clientCalls = new ArrayList<>();
		for (ToolCall call : message.toolCalls()) {
			(state.clientToolNames.contains(call.function().name()) ? clientCalls : serverCalls).add(call);
		}
		if (serverCalls.isEmpty()) {
			return state.writer()
				.append(List.of(message))
				.thenMany(Flux.just(state.complete("tool_calls", message.content(), clientCalls)));
		}
		if (state.repeatsPastBound(serverCalls, this.properties.loopThreshold())) {
			return Flux.just(state.complete("loop_detected", message.content(), null));
		}
		ChatMessage serverMessage = ChatMessage.assistant(message.content(), serverCalls);
		Flux<TurnEvent> next = clientCalls.isEmpty() ? Flux.defer(() -> iterate(state))
				: Flux.defer(() -> state.writer()
					.append(List.of(ChatMessage.assistant(null, clientCalls)))
					.thenMany(Flux.just(state.complete("tool_calls", message.content(), clientCalls))));
		return Flux.concat(runTools(state, serverMessage, Map.of(), true), next);
	}

	/**
	 * Runs a step's tool calls and stores the step. {@code known} holds results a replica that ran the step before
	 * recorded (they are used as they are); {@code announce} emits a {@code tool.call} event per call first.
	 */
	private Flux<TurnEvent> runTools(TurnState state, ChatMessage message, Map<String, TurnEvent.ToolResult> known,
			boolean announce) {
		List<ToolCall> calls = message.toolCalls();
		TurnEvent.ToolResult[] results = new TurnEvent.ToolResult[calls.size()];
		Flux<TurnEvent> started = !announce ? Flux.empty() : Flux.fromIterable(calls)
			.map(call -> new TurnEvent.ToolCallStarted(call.id(), call.function().name(), call.function().arguments(),
					state.iteration));
		Flux<TurnEvent> executed = Flux.range(0, calls.size()).flatMap(i -> {
			TurnEvent.ToolResult recorded = known.get(calls.get(i).id());
			if (recorded != null) {
				results[i] = recorded;
				return Mono.empty();
			}
			return dispatch(state, calls.get(i)).doOnNext(r -> results[i] = r);
		}, this.properties.maxParallelTools());
		Mono<Void> persist = Mono.defer(() -> {
			List<ChatMessage> messages = new ArrayList<>(calls.size() + 1);
			messages.add(message);
			for (TurnEvent.ToolResult result : results) {
				messages.add(ChatMessage.tool(result.callId(), toolContent(result)));
			}
			state.messages.addAll(messages);
			return state.writer().append(messages);
		});
		return Flux.concat(started, executed, persist.then(Mono.empty()));
	}

	/**
	 * Dispatches one call at most once per key. In a turn taken over from another replica a call that replica
	 * left running is not run again: it waits up to a lease's time to live for its result, then is interrupted.
	 */
	private Mono<TurnEvent.ToolResult> dispatch(TurnState state, ToolCall call) {
		ToolInvocation invocation = invocation(state, call);
		String scope = "turn-call:" + state.request.tenant();
		Mono<IdempotentDispatch.Outcome> outcome = state.resumed
				? this.dispatcher.dispatchResumed(invocation, scope, this.properties.leaseTtl())
				: this.dispatcher.dispatch(invocation, scope);
		return outcome.map(IdempotentDispatch.Outcome::result);
	}

	private ToolInvocation invocation(TurnState state, ToolCall call) {
		TurnRequest request = state.request;
		String conversation = request.conversationId() != null ? request.conversationId() : "-";
		String key = IdempotencyKeys.forTurnCall(request.tenant(), conversation, request.turnId(), state.iteration,
				call.id());
		return new ToolInvocation(call.id(), call.function().name(), call.function().arguments(), request.tenant(),
				key);
	}

	/** The tool message content the model sees: the output JSON, or an error object it can reason about. */
	String toolContent(TurnEvent.ToolResult result) {
		String content;
		if (result.isOk()) {
			JsonNode output = result.output();
			content = output == null ? "null" : this.jsonMapper.writeValueAsString(output);
		}
		else {
			content = this.jsonMapper.writeValueAsString(Map.of("error", result.error()));
		}
		if (content.length() > MAX_TOOL_RESULT_CHARS) {
			content = content.substring(0, MAX_TOOL_RESULT_CHARS) + "…[truncated]";
		}
		return content;
	}

	private ChatCompletionRequest modelRequest(TurnState state) {
		List<ChatMessage> messages = this.trimmer.trim(state.messages);
		List<ToolDefinition> offered = new ArrayList<>(state.request.clientTools());
		for (ToolDefinition definition : this.tools.definitions()) {
			if (!state.clientToolNames.contains(definition.function().name())) {
				offered.add(definition);
			}
		}
		ChatCompletionRequest template = state.request.template();
		return template != null ? template.forUpstream(state.request.model(), messages, offered, true)
				: ChatCompletionRequest.of(state.request.model(), messages, offered, true);
	}

	/** The mutable state of one running turn; touched by one signal at a time. */
	private static final class TurnState {

		final TurnRequest request;

		final List<ChatMessage> messages;

		final Set<String> clientToolNames = new HashSet<>();

		final Map<String, Integer> callCounts = new HashMap<>();

		int iteration;

		Usage usage = Usage.ZERO;

		String lastContent;

		volatile boolean finished;

		/** Whether the turn was taken over from another replica. */
		final boolean resumed;

		TurnState(TurnRequest request, boolean resumed) {
			this.request = request;
			this.resumed = resumed;
			this.messages = new ArrayList<>(request.history());
			this.messages.addAll(request.input());
			request.clientTools().forEach(tool -> this.clientToolNames.add(tool.function().name()));
		}

		ConversationWriter writer() {
			return this.request.writer();
		}

		boolean repeatsPastBound(List<ToolCall> calls, int threshold) {
			boolean loop = false;
			for (ToolCall call : calls) {
				String key = call.function().name() + "\u0000" + call.function().arguments().strip();
				if (this.callCounts.merge(key, 1, Integer::sum) > threshold) {
					loop = true;
				}
			}
			return loop;
		}

		TurnEvent.TurnCompleted complete(String reason, String content, List<ToolCall> clientCalls) {
			this.finished = true;
			return new TurnEvent.TurnCompleted(reason, content, clientCalls, this.usage, this.iteration);
		}

	}

}
