package io.toolgate.dispatcher.tool;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.channel.ChannelOption;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Runs tools on HTTP tool workers: POSTs the arguments object as JSON to the tool's URL
 * and takes the JSON response body as the output.
 * <p>
 * Headers sent: {@code Content-Type: application/json}, {@code X-Toolgate-Call-Id},
 * {@code X-Toolgate-Tenant}, {@code X-Toolgate-Attempt} and, when the call has one,
 * {@code Idempotency-Key} (the same on every attempt). Outcomes: 2xx with a JSON body is
 * the output (an empty body is {@code {}}); connect failures, 5xx and 429 are retryable
 * {@code worker_error}s; other 4xx are non-retryable {@code tool_error}s; a 2xx whose
 * {@code Content-Type} is neither JSON ({@code application/json} or {@code +json}) nor
 * absent (HTML, text, binary) is a non-retryable {@code worker_error} naming the type,
 * and its body is not read; a body that does not parse as one JSON document (truncated
 * JSON, bytes that are not UTF-8) is a non-retryable {@code worker_error} too; a body
 * over the size cap is {@code output_too_large}.
 * <p>
 * One instance shares one {@link WebClient} and connection pool for every HTTP tool; call
 * {@link #dispose()} on shutdown.
 */
public final class HttpToolExecutor implements ToolExecutor {

	/** Header carrying the call id. */
	public static final String CALL_ID_HEADER = "X-Toolgate-Call-Id";

	/** Header carrying the tenant id. */
	public static final String TENANT_HEADER = "X-Toolgate-Tenant";

	/** Header carrying the attempt number, from 1. */
	public static final String ATTEMPT_HEADER = "X-Toolgate-Attempt";

	/**
	 * Header carrying the call's idempotency key (for direct invocations, derived by
	 * {@link IdempotencyKeys}).
	 */
	public static final String IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

	private static final int ERROR_SNIPPET_CHARS = 200;

	private final WebClient webClient;

	private final ConnectionProvider connections;

	private final JsonMapper json;

	private final int maxResponseBytes;

	/**
	 * Creates an executor with its own connection pool.
	 * @param json the mapper for request and response bodies
	 * @param connectTimeout the TCP connect timeout
	 * @param maxConnections the pool's connection bound over all workers
	 * @param maxResponseSize the largest response body accepted
	 */
	public HttpToolExecutor(JsonMapper json, Duration connectTimeout, int maxConnections, DataSize maxResponseSize) {
		this(json, connectTimeout, maxConnections, maxResponseSize, WebClient.builder());
	}

	/**
	 * Creates an executor with its own connection pool on a client builder, e.g. one
	 * carrying an observation registry so that calls are traced and W3C
	 * {@code traceparent} reaches the workers.
	 * @param json the mapper for request and response bodies
	 * @param connectTimeout the TCP connect timeout
	 * @param maxConnections the pool's connection bound over all workers
	 * @param maxResponseSize the largest response body accepted
	 * @param builder the client builder; its connector is replaced by this executor's
	 * pool
	 */
	public HttpToolExecutor(JsonMapper json, Duration connectTimeout, int maxConnections, DataSize maxResponseSize,
			WebClient.Builder builder) {
		this.json = json;
		this.maxResponseBytes = (int) Math.min(Integer.MAX_VALUE, maxResponseSize.toBytes());
		this.connections = ConnectionProvider.builder("toolgate-tools")
			.maxConnections(maxConnections)
			.pendingAcquireMaxCount(maxConnections * 4)
			.maxIdleTime(Duration.ofSeconds(30))
			.evictInBackground(Duration.ofSeconds(60))
			.build();
		HttpClient httpClient = HttpClient.create(this.connections)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) connectTimeout.toMillis());
		this.webClient = builder.clientConnector(new ReactorClientHttpConnector(httpClient)).build();
	}

	@Override
	public Mono<JsonNode> execute(ToolExecution execution) {
		if (!(execution.tool().executor() instanceof ExecutorSpec.Http http)) {
			return Mono.error(new IllegalArgumentException("Tool '" + execution.tool().name() + "' is not HTTP"));
		}
		return Mono.defer(() -> this.webClient.post()
			.uri(http.url())
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.APPLICATION_JSON)
			.headers(headers -> {
				headers.set(CALL_ID_HEADER, execution.callId());
				headers.set(TENANT_HEADER, execution.tenant());
				headers.set(ATTEMPT_HEADER, Integer.toString(execution.attempt()));
				if (execution.idempotencyKey() != null) {
					headers.set(IDEMPOTENCY_KEY_HEADER, execution.idempotencyKey());
				}
			})
			.bodyValue(this.json.writeValueAsBytes(execution.arguments()))
			.exchangeToMono(this::readResponse))
			.onErrorMap(WebClientRequestException.class, ex -> ToolExecutionException
				.workerError("Tool worker request failed: " + FailureWords.describe(ex)));
	}

	/** Closes the connection pool. */
	public void dispose() {
		this.connections.dispose();
	}

	private Mono<JsonNode> readResponse(ClientResponse response) {
		HttpStatusCode status = response.statusCode();
		if (status.is2xxSuccessful()) {
			MediaType type = response.headers().contentType().orElse(null);
			if (type != null && !isJson(type)) {
				// The body is released unread: no part of a page or a blob reaches the
				// model.
				return response.releaseBody()
					.then(Mono.error(new ToolExecutionException(
							ToolExecutionException.WORKER_ERROR, "Tool worker answered with Content-Type "
									+ type.getType() + "/" + type.getSubtype() + "; a tool result must be JSON",
							false)));
			}
			return body(response).map(this::parseOutput)
				.onErrorMap(DataBufferLimitException.class,
						ex -> new ToolExecutionException(ToolExecutionException.OUTPUT_TOO_LARGE,
								"Tool output exceeds " + this.maxResponseBytes + " bytes", false));
		}
		return body(response).onErrorResume(ex -> Mono.just(new byte[0]))
			.flatMap(bytes -> Mono.error(statusFailure(status, bytes)));
	}

	private static boolean isJson(MediaType type) {
		return MediaType.APPLICATION_JSON.isCompatibleWith(type) || type.getSubtype().endsWith("+json");
	}

	private Mono<byte[]> body(ClientResponse response) {
		return DataBufferUtils.join(response.bodyToFlux(DataBuffer.class), this.maxResponseBytes).map(buffer -> {
			byte[] bytes = new byte[buffer.readableByteCount()];
			buffer.read(bytes);
			DataBufferUtils.release(buffer);
			return bytes;
		}).defaultIfEmpty(new byte[0]);
	}

	private JsonNode parseOutput(byte[] bytes) {
		if (bytes.length == 0) {
			return this.json.createObjectNode();
		}
		try {
			return this.json.readTree(bytes);
		}
		catch (JacksonException ex) {
			throw new ToolExecutionException(ToolExecutionException.WORKER_ERROR,
					"Tool worker answered with a body that is not one JSON document", false);
		}
	}

	private ToolExecutionException statusFailure(HttpStatusCode status, byte[] body) {
		String message = "Tool worker answered " + status.value() + snippet(body);
		if (status.is5xxServerError() || status.value() == 429) {
			return ToolExecutionException.workerError(message);
		}
		if (status.is4xxClientError()) {
			return ToolExecutionException.toolError(message);
		}
		return new ToolExecutionException(ToolExecutionException.WORKER_ERROR, message, false);
	}

	private static String snippet(byte[] body) {
		if (body.length == 0) {
			return "";
		}
		String text = new String(body, StandardCharsets.UTF_8).strip();
		return ": " + ((text.length() > ERROR_SNIPPET_CHARS) ? text.substring(0, ERROR_SNIPPET_CHARS) + "…" : text);
	}

}
