package io.toolgate.dispatcher.turn;

import java.util.ArrayList;
import java.util.List;

import io.toolgate.dispatcher.audit.AuditContext;
import io.toolgate.dispatcher.metrics.ToolgateMetrics;
import io.toolgate.dispatcher.policy.TokenBudget;
import io.toolgate.dispatcher.spend.BudgetExhaustedException;
import io.toolgate.dispatcher.spend.SpendBudget;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolDefinition;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.ModelClient;
import io.toolgate.streaming.upstream.ModelEvent;
import io.toolgate.streaming.upstream.UpstreamException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * One model call of a turn: the request (the history trimmed to its token budget, the
 * client's tools and the registered ones the client did not shadow), under the tenant's
 * token budget, measured.
 */
final class ModelCall {

	private final ModelClient model;

	private final ToolRegistry tools;

	private final HistoryTrimmer trimmer;

	private final ToolgateMetrics metrics;

	private final TokenBudget budget;

	private final @Nullable SpendBudget spend;

	private final @Nullable ChatMessage untrustedNotice;

	private final TurnCapCheck caps;

	ModelCall(ModelClient model, ToolRegistry tools, int historyTokenBudget, ToolgateMetrics metrics,
			TokenBudget budget, @Nullable SpendBudget spend, @Nullable String untrustedNotice, TurnCapCheck caps) {
		this.caps = caps;
		this.untrustedNotice = (untrustedNotice != null) ? ChatMessage.system(untrustedNotice) : null;
		this.model = model;
		this.tools = tools;
		this.trimmer = new HistoryTrimmer(historyTokenBudget, budget.estimator());
		this.metrics = metrics;
		this.budget = budget;
		this.spend = spend;
	}

	/**
	 * Calls the model with the turn's messages: its tokens, then one
	 * {@link ModelEvent.Completed}.
	 * @param state the turn
	 * @return the model's events; errors with {@link UpstreamException}, the budget's
	 * refusal, or a {@link BudgetExhaustedException} naming the turn cap the call would
	 * pass (then the call is not made)
	 */
	Flux<ModelEvent> call(TurnState state) {
		ChatCompletionRequest request = request(state);
		BudgetExhaustedException over = this.caps.beforeModelCall(state, request.messages());
		if (over != null) {
			return Flux.error(over);
		}
		return this.metrics.models().stream(this.model.providerName(), state.request.model(), limited(state, request));
	}

	/** Calls the model under the tenant's token budget and the spend budgets. */
	private Flux<ModelEvent> limited(TurnState state, ChatCompletionRequest request) {
		Integer maxTokens = request.maxCompletionTokens() != null ? request.maxCompletionTokens() : request.maxTokens();
		Flux<ModelEvent> call = send(state, request);
		if (this.spend != null) {
			call = call.transformDeferred(this.spend.limit(state.request.tenant(),
					new AuditContext(state.request.keyId(), state.request.conversationId(), state.request.turnId()),
					state.request.model(), request.messages(), maxTokens));
		}
		return call.transformDeferred(this.budget.limit(state.request.tenant(), request.messages(), maxTokens));
	}

	/**
	 * Streams the model's answer, or, for a client that wants no tokens (a non-streaming
	 * chat completion), asks for it whole: one response to decode instead of a chunk per
	 * token.
	 */
	private Flux<ModelEvent> send(TurnState state, ChatCompletionRequest request) {
		if (state.request.streamTokens()) {
			return this.model.stream(request);
		}
		return this.model.complete(request).map(ModelCall::completed).flux();
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

	private ChatCompletionRequest request(TurnState state) {
		List<ChatMessage> messages = withNotice(this.trimmer.trim(state.messages));
		List<ToolDefinition> offered = new ArrayList<>(state.request.clientTools());
		for (ToolDefinition definition : this.tools.definitions(state.request.tenant())) {
			if (!state.clientToolNames.contains(definition.function().name())) {
				offered.add(definition);
			}
		}
		ChatCompletionRequest template = state.request.template();
		return template != null ? template.forUpstream(state.request.model(), messages, offered, true)
				: ChatCompletionRequest.of(state.request.model(), messages, offered, true);
	}

	/**
	 * The messages with the untrusted-results notice first when they carry tool results:
	 * the notice goes where framed content does, and requests without tool results stay
	 * as the client sent them. Not stored in the conversation.
	 */
	private List<ChatMessage> withNotice(List<ChatMessage> messages) {
		if (this.untrustedNotice == null
				|| messages.stream().noneMatch(message -> ChatMessage.TOOL.equals(message.role()))) {
			return messages;
		}
		List<ChatMessage> noticed = new ArrayList<>(messages.size() + 1);
		noticed.add(this.untrustedNotice);
		noticed.addAll(messages);
		return noticed;
	}

}
