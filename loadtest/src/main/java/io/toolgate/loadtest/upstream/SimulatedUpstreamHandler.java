package io.toolgate.loadtest.upstream;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.toolgate.streaming.openai.ChatCompletionRequest;
import io.toolgate.streaming.openai.ChatCompletionResponse;
import io.toolgate.streaming.openai.ModelList;
import io.toolgate.streaming.upstream.SimulatedModelClient;
import io.toolgate.streaming.upstream.SimulatedModelSettings;
import io.toolgate.streaming.upstream.SimulatedReply;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import reactor.netty.http.server.HttpServerRoutes;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

/** The routes of a {@link SimulatedUpstreamServer}. */
final class SimulatedUpstreamHandler {

	private static final String JSON = "application/json";

	private final SimulatedModelClient model;

	private final JsonMapper jsonMapper;

	private final @Nullable String requiredAuthorization;

	private final byte[] models;

	private final boolean stampTokens;

	SimulatedUpstreamHandler(SimulatedModelClient model, JsonMapper jsonMapper, @Nullable String requiredKey) {
		this(model, jsonMapper, requiredKey, false);
	}

	/**
	 * Creates the routes.
	 * @param model the simulated model
	 * @param jsonMapper JSON of requests and responses
	 * @param requiredKey the bearer key clients must send, or {@code null}
	 * @param stampTokens whether each streamed token starts with the epoch milliseconds
	 * at which it was sent (see {@link TokenStamps}), for clients that measure delivery
	 * latency
	 */
	SimulatedUpstreamHandler(SimulatedModelClient model, JsonMapper jsonMapper, @Nullable String requiredKey,
			boolean stampTokens) {
		this.stampTokens = stampTokens;
		this.model = model;
		this.jsonMapper = jsonMapper;
		this.requiredAuthorization = (requiredKey != null && !requiredKey.isBlank()) ? "Bearer " + requiredKey : null;
		this.models = jsonMapper.writeValueAsBytes(ModelList.of(List.of(ModelList.Model
			.of(SimulatedModelClient.DEFAULT_MODEL, System.currentTimeMillis() / 1000, "toolgate"))));
	}

	void routes(HttpServerRoutes routes) {
		routes.post("/v1/chat/completions", this::chatCompletions).get("/v1/models", this::listModels);
	}

	private Mono<Void> listModels(HttpServerRequest request, HttpServerResponse response) {
		if (!authorized(request)) {
			return unauthorized(response);
		}
		return json(response, 200, this.models);
	}

	private Mono<Void> chatCompletions(HttpServerRequest request, HttpServerResponse response) {
		if (!authorized(request)) {
			return unauthorized(response);
		}
		return request.receive()
			.aggregate()
			.asByteArray()
			.defaultIfEmpty(new byte[0])
			.flatMap((body) -> answer(body, response));
	}

	private Mono<Void> answer(byte[] body, HttpServerResponse response) {
		ChatCompletionRequest request;
		try {
			request = this.jsonMapper.readValue(body, ChatCompletionRequest.class);
		}
		catch (JacksonException ex) {
			return error(response, 400, "The body is not a valid chat completion request.", "invalid_request_error",
					"invalid_body");
		}
		if (request == null || request.messages() == null || request.messages().isEmpty()) {
			return error(response, 400, "'messages' must not be empty.", "invalid_request_error", "invalid_body");
		}
		SimulatedReply reply = this.model.reply(request);
		SimulatedModelSettings settings = this.model.settings();
		if (reply.failure() == SimulatedReply.Failure.SERVER_ERROR) {
			return settings.firstTokenDelay()
				.then(error(response, 500, "The simulated upstream failed.", "server_error", "simulated_failure"));
		}
		long created = System.currentTimeMillis() / 1000;
		if (request.isStream()) {
			boolean includeUsage = request.streamOptions() != null
					&& Boolean.TRUE.equals(request.streamOptions().includeUsage());
			Flux<byte[]> paced = settings
				.pace(Flux.fromIterable(new SimulatedChunks(this.jsonMapper, reply, created).groups(includeUsage)));
			if (this.stampTokens) {
				// Stamped as each group goes out, after its pacing delay.
				paced = paced.map((group) -> TokenStamps.stamp(group, System.currentTimeMillis()));
			}
			return response.status(200)
				.header("Content-Type", "text/event-stream")
				.header("Cache-Control", "no-cache")
				.sendByteArray(paced)
				.then();
		}
		Duration total = settings.timeToFirstToken()
			.plus(settings.interTokenDelay().multipliedBy(reply.tokens().size()));
		byte[] json = this.jsonMapper.writeValueAsBytes(ChatCompletionResponse.of(reply.completionId(), created,
				reply.model(), reply.message(), reply.finishReason(), reply.usage()));
		Mono<Long> delay = total.isZero() ? Mono.just(0L) : Mono.delay(total);
		return delay.then(json(response, 200, json));
	}

	private boolean authorized(HttpServerRequest request) {
		return this.requiredAuthorization == null
				|| this.requiredAuthorization.equals(request.requestHeaders().get("Authorization"));
	}

	private Mono<Void> unauthorized(HttpServerResponse response) {
		return error(response, 401, "Incorrect API key provided.", "invalid_request_error", "invalid_api_key");
	}

	private Mono<Void> error(HttpServerResponse response, int status, String message, String type, String code) {
		byte[] body = this.jsonMapper
			.writeValueAsBytes(Map.of("error", Map.of("message", message, "type", type, "code", code)));
		return json(response, status, body);
	}

	private static Mono<Void> json(HttpServerResponse response, int status, byte[] body) {
		return Mono
			.defer(() -> response.status(status).header("Content-Type", JSON).sendByteArray(Mono.just(body)).then());
	}

}
