package io.toolgate.streaming.upstream;

import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A chat-completions model. Implementations are non-blocking and lazy: nothing is sent
 * until subscription, and cancelling the subscription cancels the call.
 */
public interface ModelClient {

	/**
	 * Streams one assistant message: a {@link ModelEvent.Token} per text fragment as it
	 * arrives, then exactly one {@link ModelEvent.Completed} with the whole message (tool
	 * calls assembled) and usage, then completes.
	 * @param request the request; its {@code stream} flag is ignored
	 * @return the events; errors with {@link UpstreamException} on any upstream failure
	 */
	Flux<ModelEvent> stream(ChatCompletionRequest request);

	/**
	 * Calls the model without streaming.
	 * @param request the request; its {@code stream} flag is ignored
	 * @return the response; errors with {@link UpstreamException} on any upstream failure
	 */
	Mono<ChatCompletionResponse> complete(ChatCompletionRequest request);

	/**
	 * The provider name reported in metrics and {@code /v1/models}, e.g. {@code openai}
	 * or {@code simulated}.
	 */
	String providerName();

}
