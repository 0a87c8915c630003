package io.toolgate.dispatcher.turn;

import io.toolgate.dispatcher.error.UpstreamErrors;
import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.upstream.ModelClient;
import io.toolgate.streaming.upstream.ModelEvent;
import io.toolgate.streaming.upstream.UpstreamException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A model client that logs each failed call once, where it fails, with the provider's
 * text redacted ({@link UpstreamErrors#log(UpstreamException)}). Clients only ever see
 * {@link UpstreamErrors#clientMessage generic messages}, so this log is where an operator
 * finds what the provider said.
 */
public final class LoggingModelClient implements ModelClient {

	private final ModelClient delegate;

	/**
	 * Wraps a client.
	 * @param delegate the client that makes the calls
	 */
	public LoggingModelClient(ModelClient delegate) {
		this.delegate = delegate;
	}

	@Override
	public Flux<ModelEvent> stream(ChatCompletionRequest request) {
		return this.delegate.stream(request).doOnError(UpstreamException.class, UpstreamErrors::log);
	}

	@Override
	public Mono<ChatCompletionResponse> complete(ChatCompletionRequest request) {
		return this.delegate.complete(request).doOnError(UpstreamException.class, UpstreamErrors::log);
	}

	@Override
	public String providerName() {
		return this.delegate.providerName();
	}

}
