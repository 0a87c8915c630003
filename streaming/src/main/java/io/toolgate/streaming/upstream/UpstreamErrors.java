package io.toolgate.streaming.upstream;

import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeoutException;

import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * How the failures of an {@link OpenAiModelClient} call become {@link UpstreamException}s
 * (the table is in the client's Javadoc): an HTTP error status with the upstream's own
 * error message, an error event inside a stream, and the errors of the exchange itself
 * (timeouts, a request that could not be sent, an oversized event, a body that broke
 * off). Nothing here retries; {@link UpstreamException#isRetryable()} tells callers
 * whether they may. Thread-safe.
 */
final class UpstreamErrors {

	// Logged under the client's name, the category operators know.
	private static final Logger logger = LoggerFactory.getLogger(OpenAiModelClient.class);

	private static final int MAX_ERROR_MESSAGE_CHARS = 500;

	private final OpenAiClientSettings settings;

	private final JsonMapper jsonMapper;

	UpstreamErrors(OpenAiClientSettings settings, JsonMapper jsonMapper) {
		this.settings = settings;
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Reads an error response: 429 is {@link Kind#RATE_LIMITED}, other 4xx
	 * {@link Kind#CLIENT_ERROR}, 5xx {@link Kind#SERVER_ERROR}, with the upstream's
	 * message when its body has one.
	 * @param response a response with an error status
	 * @return the exception; never empty and never an error signal
	 */
	Mono<Throwable> statusError(ClientResponse response) {
		int status = response.statusCode().value();
		return response.bodyToMono(byte[].class)
			.map(this::errorMessage)
			.onErrorResume((error) -> Mono.empty())
			.defaultIfEmpty("")
			.map((message) -> statusException(status, message));
	}

	/**
	 * The exception for a streamed chunk with neither choices nor usage:
	 * {@link Kind#SERVER_ERROR} when it is an error event, else {@link Kind#MALFORMED}.
	 * @param data the chunk's JSON
	 */
	UpstreamException chunkWithoutChoices(String data) {
		String message = errorMessage(data.getBytes(StandardCharsets.UTF_8));
		if (!message.isEmpty() || data.contains("\"error\"")) {
			return new UpstreamException(Kind.SERVER_ERROR, 0,
					"upstream stream failed" + (message.isEmpty() ? "" : ": " + message), null);
		}
		return new UpstreamException(Kind.MALFORMED, 0, "upstream sent a chunk without choices", null);
	}

	/**
	 * Maps an error of a stream. A {@link TimeoutException} (from the watchdog) is
	 * {@link Kind#IDLE_TIMEOUT} once frames arrived, else
	 * {@link Kind#FIRST_TOKEN_TIMEOUT}; a body that broke off is {@link Kind#STREAM_CUT}.
	 * @param error the error
	 * @param framesSeen whether any SSE event arrived before it
	 */
	UpstreamException ofStream(Throwable error, boolean framesSeen) {
		return toUpstream(error, true, framesSeen);
	}

	/**
	 * Maps an error of a non-streaming call: a {@link TimeoutException} is
	 * {@link Kind#FIRST_TOKEN_TIMEOUT}, since the whole response is its first token; any
	 * other failure {@link Kind#SERVER_ERROR}.
	 * @param error the error
	 */
	UpstreamException ofCompletion(Throwable error) {
		return toUpstream(error, false, false);
	}

	private UpstreamException toUpstream(Throwable error, boolean streaming, boolean framesSeen) {
		if (error instanceof UpstreamException upstream) {
			return upstream;
		}
		if (error instanceof TimeoutException) {
			if (!streaming) {
				return new UpstreamException(Kind.FIRST_TOKEN_TIMEOUT, 0,
						"upstream did not answer within " + this.settings.requestTimeout(), error);
			}
			return framesSeen
					? new UpstreamException(Kind.IDLE_TIMEOUT, 0,
							"upstream stream idle for " + this.settings.idleTimeout(), error)
					: new UpstreamException(Kind.FIRST_TOKEN_TIMEOUT, 0,
							"upstream sent nothing within " + this.settings.firstTokenTimeout(), error);
		}
		if (error instanceof WebClientRequestException) {
			String what = (error.getCause() instanceof ConnectException) ? "could not connect to the upstream"
					: "upstream request failed";
			return new UpstreamException(Kind.CONNECT, 0, what, error);
		}
		if (error instanceof DataBufferLimitException) {
			return new UpstreamException(Kind.MALFORMED, 0,
					"upstream event exceeds " + this.settings.maxEventBytes() + " bytes", error);
		}
		logger.debug("Upstream failure", error);
		return streaming ? new UpstreamException(Kind.STREAM_CUT, 0, "upstream stream broke off", error)
				: new UpstreamException(Kind.SERVER_ERROR, 0, "upstream response failed", error);
	}

	private static UpstreamException statusException(int status, String upstreamMessage) {
		Kind kind = (status == 429) ? Kind.RATE_LIMITED : (status < 500) ? Kind.CLIENT_ERROR : Kind.SERVER_ERROR;
		String message = "upstream returned HTTP " + status + (upstreamMessage.isEmpty() ? "" : ": " + upstreamMessage);
		return new UpstreamException(kind, status, message, null);
	}

	/**
	 * Extracts {@code error.message} (or a string {@code error}) from an error body, else
	 * returns "".
	 */
	private String errorMessage(byte[] body) {
		try {
			JsonNode error = this.jsonMapper.readTree(body).path("error");
			String message = error.isString() ? error.asString() : error.path("message").asString("");
			return (message.length() > MAX_ERROR_MESSAGE_CHARS) ? message.substring(0, MAX_ERROR_MESSAGE_CHARS)
					: message;
		}
		catch (JacksonException ex) {
			return "";
		}
	}

}
