package io.toolgate.streaming.upstream;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.ChatMessage;
import io.toolgate.streaming.openai.ToolCall;
import io.toolgate.streaming.openai.ToolDefinition;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.SimulatedReply.Failure;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A deterministic, offline {@link ModelClient}: the same request always gets the same
 * reply.
 * <p>
 * What it answers, by the last message of the request:
 * <ul>
 * <li>a {@code user} message with tools offered: the text is split into requests (at
 * commas, semicolons, sentence ends, "and", "then", "also"), each matched to the offered
 * tool sharing the most words with it (name and description, stop words ignored), and
 * each matched request becomes one tool call, all in one assistant message with no text
 * and finish reason {@code tool_calls}. Arguments satisfy the tool's parameters schema
 * and take numbers, quoted phrases and capitalised names from the request's text. Call
 * ids are {@code call_<hex>}, derived from the conversation's content and the call's
 * position. {@code tool_choice} {@code none}, {@code required} and a named function are
 * honoured, as is {@code parallel_tool_calls: false} (one call) and
 * {@link SimulatedModelSettings#parallelToolCalls()} (exactly that many calls, cycling
 * over the tools). When no tool matches, it answers in text.</li>
 * <li>{@code tool} messages: a text reply quoting each result, e.g. {@code Here is what I
 * found: add returned {"sum":7}.}</li>
 * <li>anything else: a text reply that quotes the last user message.</li>
 * </ul>
 * Text streams one {@link ModelEvent.Token} per word (the word and its following space),
 * first after {@link SimulatedModelSettings#timeToFirstToken()}, then one per
 * {@link SimulatedModelSettings#interTokenDelay()}, on Reactor's parallel scheduler.
 * {@code max_completion_tokens} (or {@code max_tokens}) cuts text replies with finish
 * reason {@code length}. Usage: prompt tokens are the characters of all messages / 4 (at
 * least 1); completion tokens are the tokens streamed, or for tool calls the characters
 * of names and arguments / 4 (at least 1). Failures are drawn per request from a random
 * seeded by the settings' seed and the request's content, so an identical request fails
 * identically: {@link Kind#SERVER_ERROR} before the first token, or
 * {@link Kind#STREAM_CUT} partway ({@link #complete} only fails with the former). The
 * model reported is the request's, else {@value #DEFAULT_MODEL}.
 */
public final class SimulatedModelClient implements ModelClient {

	/** The model name used when a request names none. */
	public static final String DEFAULT_MODEL = "toolgate-sim";

	private static final int MAX_QUOTE_CHARS = 300;

	private final SimulatedModelSettings settings;

	private final SimulatedToolCalls toolCalls;

	/**
	 * Creates a simulated model.
	 * @param settings its timing, shape and failure settings
	 * @param jsonMapper the mapper used to write tool-call arguments
	 */
	public SimulatedModelClient(SimulatedModelSettings settings, JsonMapper jsonMapper) {
		this.settings = settings;
		this.toolCalls = new SimulatedToolCalls(jsonMapper, settings.parallelToolCalls());
	}

	/**
	 * Creates a simulated model with this module's default mapper.
	 * @param settings its timing, shape and failure settings
	 */
	public SimulatedModelClient(SimulatedModelSettings settings) {
		this(settings, StreamingJson.mapper());
	}

	/** Returns the settings. */
	public SimulatedModelSettings settings() {
		return this.settings;
	}

	@Override
	public Flux<ModelEvent> stream(ChatCompletionRequest request) {
		return Flux.defer(() -> play(reply(request)));
	}

	@Override
	public Mono<ChatCompletionResponse> complete(ChatCompletionRequest request) {
		return Mono.defer(() -> {
			SimulatedReply reply = reply(request);
			if (reply.failure() == Failure.SERVER_ERROR) {
				return this.settings.firstTokenDelay().then(Mono.error(serverError()));
			}
			Duration total = this.settings.timeToFirstToken()
				.plus(this.settings.interTokenDelay().multipliedBy(reply.tokens().size()));
			Mono<Long> delay = total.isZero() ? Mono.just(0L) : Mono.delay(total);
			return delay.thenReturn(ChatCompletionResponse.of(reply.completionId(), System.currentTimeMillis() / 1000,
					reply.model(), reply.message(), reply.finishReason(), reply.usage()));
		});
	}

	@Override
	public String providerName() {
		return "simulated";
	}

	/**
	 * Decides the reply to {@code request}, without delay and without failing: the same
	 * request always gets the same reply. The {@link SimulatedReply#failure()} says how
	 * the reply is to fail, if it does.
	 * @param request the request
	 * @return the reply
	 */
	public SimulatedReply reply(ChatCompletionRequest request) {
		List<ChatMessage> messages = (request.messages() != null) ? request.messages() : List.of();
		long hash = contentHash(messages, request.tools());
		ChatMessage last = messages.isEmpty() ? null : messages.get(messages.size() - 1);
		String userText = lastUserText(messages);
		List<ToolCall> calls = List.of();
		String text;
		if (last != null && ChatMessage.TOOL.equals(last.role())) {
			text = SimulatedReplies.quoteToolResults(messages, MAX_QUOTE_CHARS);
		}
		else {
			if (last != null && ChatMessage.USER.equals(last.role()) && request.tools() != null
					&& !request.tools().isEmpty()) {
				calls = this.toolCalls.calls(request, (userText != null) ? userText : "", hash);
			}
			text = calls.isEmpty() ? SimulatedReplies.answer(userText, request.tools() != null) : "";
		}
		List<String> tokens = SimulatedReplies.tokens(text, this.settings.replyWords());
		String finishReason = calls.isEmpty() ? "stop" : "tool_calls";
		Integer limit = (request.maxCompletionTokens() != null) ? request.maxCompletionTokens() : request.maxTokens();
		if (calls.isEmpty() && limit != null && limit >= 0 && tokens.size() > limit) {
			tokens = tokens.subList(0, limit);
			finishReason = "length";
		}
		Usage usage = Usage.of(promptTokens(messages), completionTokens(tokens, calls));
		String model = (request.model() != null && !request.model().isBlank()) ? request.model() : DEFAULT_MODEL;
		SplittableRandom random = new SplittableRandom(this.settings.seed() ^ hash);
		double errorDraw = random.nextDouble();
		double cutDraw = random.nextDouble();
		int cutAfter = tokens.isEmpty() ? 0 : random.nextInt(tokens.size());
		Failure failure = (errorDraw < this.settings.errorRate()) ? Failure.SERVER_ERROR
				: (cutDraw < this.settings.streamCutRate()) ? Failure.STREAM_CUT : Failure.NONE;
		return new SimulatedReply(model, List.copyOf(tokens), calls, finishReason, usage, failure, cutAfter,
				"chatcmpl-sim-" + Long.toHexString(hash));
	}

	private Flux<ModelEvent> play(SimulatedReply reply) {
		if (reply.failure() == Failure.SERVER_ERROR) {
			return this.settings.firstTokenDelay().then(Mono.<ModelEvent>error(serverError())).flux();
		}
		List<ModelEvent> events = new ArrayList<>(reply.tokens().size() + 1);
		reply.tokens().forEach((token) -> events.add(new ModelEvent.Token(token)));
		if (reply.failure() == Failure.STREAM_CUT) {
			return this.settings.pace(Flux.fromIterable(events.subList(0, reply.cutAfterTokens())))
				.concatWith(Mono.error(() -> new UpstreamException(Kind.STREAM_CUT, 0, "simulated stream cut", null)));
		}
		events.add(new ModelEvent.Completed(reply.message(), reply.finishReason(), reply.usage(), reply.model()));
		return this.settings.pace(Flux.fromIterable(events));
	}

	private static UpstreamException serverError() {
		return new UpstreamException(Kind.SERVER_ERROR, 500, "simulated upstream failure", null);
	}

	private static @Nullable String lastUserText(List<ChatMessage> messages) {
		for (int i = messages.size() - 1; i >= 0; i--) {
			if (ChatMessage.USER.equals(messages.get(i).role())) {
				return messages.get(i).content();
			}
		}
		return null;
	}

	private static long promptTokens(List<ChatMessage> messages) {
		long chars = 0;
		for (ChatMessage message : messages) {
			chars += (message.content() != null) ? message.content().length() : 0;
			if (message.toolCalls() != null) {
				for (ToolCall call : message.toolCalls()) {
					chars += call.function().name().length() + call.function().arguments().length();
				}
			}
		}
		return Math.max(1, chars / 4);
	}

	private static long completionTokens(List<String> tokens, List<ToolCall> calls) {
		if (calls.isEmpty()) {
			return tokens.size();
		}
		long chars = 0;
		for (ToolCall call : calls) {
			chars += call.function().name().length() + call.function().arguments().length();
		}
		return Math.max(1, chars / 4);
	}

	private static long contentHash(List<ChatMessage> messages, @Nullable List<ToolDefinition> tools) {
		long hash = 0xcbf29ce484222325L;
		for (ChatMessage message : messages) {
			hash = fnv(hash, message.role());
			hash = fnv(hash, message.content());
			hash = fnv(hash, message.toolCallId());
			if (message.toolCalls() != null) {
				for (ToolCall call : message.toolCalls()) {
					hash = fnv(fnv(fnv(hash, call.id()), call.function().name()), call.function().arguments());
				}
			}
		}
		if (tools != null) {
			for (ToolDefinition tool : tools) {
				hash = fnv(hash, tool.function().name());
			}
		}
		return hash;
	}

	private static long fnv(long hash, @Nullable String text) {
		long result = hash;
		if (text != null) {
			for (int i = 0; i < text.length(); i++) {
				result = (result ^ text.charAt(i)) * 0x100000001b3L;
			}
		}
		// A separator keeps ("ab", "c") and ("a", "bc") apart.
		return (result ^ 0xff) * 0x100000001b3L;
	}

}
