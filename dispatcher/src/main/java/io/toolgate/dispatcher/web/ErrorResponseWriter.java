package io.toolgate.dispatcher.web;

import java.nio.channels.ClosedChannelException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.streaming.upstream.UpstreamException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;
import reactor.netty.channel.AbortedException;
import reactor.netty.http.client.PrematureCloseException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes every failure as {@code {"error":{"type","message","code"}}} with the right
 * status, as mapped by {@link PublicErrors}. Causes of 5xx are logged with a correlation
 * id that is also returned; no stack trace ever reaches the client.
 */
public class ErrorResponseWriter implements WebExceptionHandler {

	private static final Logger logger = LoggerFactory.getLogger(ErrorResponseWriter.class);

	/**
	 * Counts requests whose client went away before the server could answer (e.g. an
	 * aborted upload).
	 */
	public static final String ABORTED_METRIC = "toolgate.http.requests.aborted";

	private final JsonMapper jsonMapper;

	private final Counter aborted;

	/**
	 * Creates a writer that counts aborted requests in a registry of its own.
	 * @param jsonMapper the mapper for error bodies
	 */
	public ErrorResponseWriter(JsonMapper jsonMapper) {
		this(jsonMapper, new SimpleMeterRegistry());
	}

	/**
	 * Creates the writer.
	 * @param jsonMapper the mapper for error bodies
	 * @param meters where {@value #ABORTED_METRIC} is counted
	 */
	public ErrorResponseWriter(JsonMapper jsonMapper, MeterRegistry meters) {
		this.jsonMapper = jsonMapper;
		this.aborted = Counter.builder(ABORTED_METRIC)
			.description("Requests whose client closed the connection before the response, e.g. mid-upload")
			.register(meters);
	}

	@Override
	public Mono<Void> handle(ServerWebExchange exchange, Throwable ex) {
		ServerHttpResponse response = exchange.getResponse();
		if (response.isCommitted()) {
			logger.debug("Failure after the response was committed: {}", ex.toString());
			return Mono.error(ex);
		}
		if (isClientGone(ex)) {
			// Nobody is left to answer, and a client that hangs up is not a server fault:
			// one line, no trace.
			logger.debug("Request {} {} ended: the client closed the connection ({})",
					exchange.getRequest().getMethod(), exchange.getRequest().getPath(), ex.toString());
			this.aborted.increment();
			return Mono.empty();
		}
		ToolgateException error = toToolgateException(ex);
		if (error.errorType().status() >= 500 && error.errorType() != ErrorType.SATURATED) {
			String correlationId = Long.toHexString(ThreadLocalRandom.current().nextLong());
			if (isUpstreamFailure(ex, error)) {
				// The model client's wrapper logged the upstream's detail, redacted, when
				// the call failed.
				logger.debug("Request {} {} failed [{}]: {}", exchange.getRequest().getMethod(),
						exchange.getRequest().getPath(), correlationId, error.getMessage());
			}
			else if (error.errorType() != ErrorType.INTERNAL) {
				// A failure Toolgate knows and named (a store or the audit log
				// unavailable,
				// an open circuit): its message says what happened, a stack trace adds
				// nothing. Only unexpected failures get one.
				logger.warn("Request {} {} failed [{}]: {}", exchange.getRequest().getMethod(),
						exchange.getRequest().getPath(), correlationId, ex.toString());
			}
			else {
				logger.warn("Request {} {} failed [{}]", exchange.getRequest().getMethod(),
						exchange.getRequest().getPath(), correlationId, ex);
			}
			response.getHeaders().set("Toolgate-Correlation-Id", correlationId);
		}
		return write(response, error);
	}

	/**
	 * A failed model call, possibly already mapped to its request failure by a handler.
	 */
	private static boolean isUpstreamFailure(Throwable ex, ToolgateException error) {
		return ex instanceof UpstreamException || (ex == error && error.code().startsWith("upstream_"));
	}

	/**
	 * Whether the failure is the client's connection going away, e.g. in the middle of an
	 * upload.
	 */
	static boolean isClientGone(Throwable ex) {
		return AbortedException.isConnectionReset(ex) || PublicErrors.findCause(ex, AbortedException.class) != null
				|| PublicErrors.findCause(ex, PrematureCloseException.class) != null
				|| PublicErrors.findCause(ex, ClosedChannelException.class) != null;
	}

	private Mono<Void> write(ServerHttpResponse response, ToolgateException error) {
		response.setStatusCode(HttpStatus.valueOf(error.errorType().status()));
		HttpHeaders headers = response.getHeaders();
		headers.setContentType(MediaType.APPLICATION_JSON);
		if (error.retryAfter() != null) {
			// Whole seconds, rounded up, at least 1.
			long millis = error.retryAfter().toMillis();
			headers.set(HttpHeaders.RETRY_AFTER, String.valueOf(Math.max(1, (millis + 999) / 1000)));
		}
		error.headers().forEach(headers::set);
		Map<String, Object> body = new LinkedHashMap<>();
		body.put("type", error.errorType().type());
		body.put("message", error.getMessage());
		body.put("code", error.code());
		body.putAll(error.details());
		byte[] bytes = this.jsonMapper.writeValueAsBytes(Map.of("error", body));
		DataBuffer buffer = response.bufferFactory().wrap(bytes);
		return response.writeWith(Mono.just(buffer));
	}

	/**
	 * Maps any failure to the request-failure model: {@link PublicErrors#of(Throwable)},
	 * which the SSE {@code error} event is built from as well.
	 */
	static ToolgateException toToolgateException(Throwable ex) {
		return PublicErrors.of(ex);
	}

}
