package io.toolgate.dispatcher.web;

import java.time.Instant;
import java.util.List;

import io.toolgate.streaming.openai.ModelList;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Mono;

/** {@code GET /v1/models}: the models this gateway serves, OpenAI-compatible. */
public class ModelsHandler {

	private final ModelList models;

	/**
	 * Creates the handler.
	 * @param settings the models to list
	 * @param owner the provider reported as owner
	 */
	public ModelsHandler(ApiSettings settings, String owner) {
		long created = Instant.now().getEpochSecond();
		List<ModelList.Model> entries = settings.models()
			.stream()
			.map(id -> ModelList.Model.of(id, created, owner))
			.toList();
		this.models = ModelList.of(entries);
	}

	/** Lists the models. */
	public Mono<ServerResponse> list(ServerRequest request) {
		return ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(this.models);
	}

}
