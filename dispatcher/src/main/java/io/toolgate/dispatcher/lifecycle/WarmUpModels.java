package io.toolgate.dispatcher.lifecycle;

import java.util.function.Function;

import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.upstream.ModelClient;
import io.toolgate.streaming.upstream.ModelEvent;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The warm-up's model: while the start-up warm-up runs, requests naming {@link #MODEL} go
 * to a second client of the configured kind, pointed at the warm-up's loopback stand-in,
 * so that the warm-up runs the model client's code (HTTP exchange, SSE parsing, chunk
 * decoding) without sending anything to the real model. Outside the warm-up
 * {@link #MODEL} is an ordinary model name, sent to the configured model like any other.
 */
public final class WarmUpModels {

	/** The model name of the warm-up's requests. */
	public static final String MODEL = "~toolgate-warm-up";

	private final Function<String, ModelClient> clients;

	private volatile @Nullable ModelClient warmUp;

	/**
	 * Creates the routing.
	 * @param clients creates a client of the configured kind for a base URL
	 */
	public WarmUpModels(Function<String, ModelClient> clients) {
		this.clients = clients;
	}

	/**
	 * Returns the configured model with the warm-up's routing in front of it.
	 * @param model the configured model
	 * @return the model to use
	 */
	public ModelClient route(ModelClient model) {
		return new Routing(model);
	}

	/**
	 * Routes {@link #MODEL} to an upstream until {@link #stop()}.
	 * @param baseUrl the upstream's {@code .../v1} URL
	 */
	void start(String baseUrl) {
		this.warmUp = this.clients.apply(baseUrl);
	}

	/** Ends the routing, and closes the warm-up's client. */
	void stop() {
		ModelClient client = this.warmUp;
		this.warmUp = null;
		if (client instanceof AutoCloseable closeable) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				throw new IllegalStateException("Closing the warm-up's model client failed", ex);
			}
		}
	}

	private final class Routing implements ModelClient {

		private final ModelClient model;

		Routing(ModelClient model) {
			this.model = model;
		}

		@Override
		public Flux<ModelEvent> stream(ChatCompletionRequest request) {
			return target(request).stream(request);
		}

		@Override
		public Mono<ChatCompletionResponse> complete(ChatCompletionRequest request) {
			return target(request).complete(request);
		}

		@Override
		public String providerName() {
			return this.model.providerName();
		}

		private ModelClient target(ChatCompletionRequest request) {
			ModelClient client = WarmUpModels.this.warmUp;
			return (client != null && MODEL.equals(request.model())) ? client : this.model;
		}

	}

}
