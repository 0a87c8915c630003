package io.toolgate.bench.floor;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ReactiveHttpOutputMessage;
import org.springframework.http.ResponseEntity;
import org.springframework.web.reactive.function.BodyInserter;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Relays a chat completion: checks the bearer key, posts the request bytes to the
 * upstream and answers with the upstream's status, content type and bytes, unparsed.
 * Event streams are flushed chunk by chunk.
 */
public class RelayHandler {

	private static final String BEARER = "Bearer ";

	private final WebClient upstream;

	private final byte[] key;

	private final @Nullable String upstreamAuthorization;

	/**
	 * Creates the handler.
	 * @param upstream the client, with the upstream's base URL
	 * @param key the bearer key clients must present
	 * @param upstreamKey the bearer key sent upstream, or {@code null}
	 */
	public RelayHandler(WebClient upstream, String key, @Nullable String upstreamKey) {
		this.upstream = upstream;
		this.key = key.getBytes(StandardCharsets.UTF_8);
		this.upstreamAuthorization = (upstreamKey != null) ? BEARER + upstreamKey : null;
	}

	/** Handles {@code POST /v1/chat/completions}. */
	public Mono<ServerResponse> relay(ServerRequest request) {
		if (!authorized(request.headers().firstHeader(HttpHeaders.AUTHORIZATION))) {
			return ServerResponse.status(HttpStatus.UNAUTHORIZED).build();
		}
		HttpHeaders incoming = request.headers().asHttpHeaders();
		return this.upstream.post()
			.uri("/chat/completions")
			.headers((headers) -> forwardHeaders(incoming, headers))
			.body(BodyInserters.fromDataBuffers(request.bodyToFlux(DataBuffer.class)))
			.retrieve()
			// Every status is relayed as it came, not turned into an error.
			.onStatus((status) -> true, (response) -> Mono.empty())
			.toEntityFlux(DataBuffer.class)
			.flatMap(RelayHandler::respond)
			.onErrorResume(WebClientRequestException.class,
					(ex) -> ServerResponse.status(HttpStatus.BAD_GATEWAY).build());
	}

	private void forwardHeaders(HttpHeaders incoming, HttpHeaders outgoing) {
		copy(incoming, outgoing, HttpHeaders.CONTENT_TYPE);
		copy(incoming, outgoing, HttpHeaders.CONTENT_LENGTH);
		copy(incoming, outgoing, HttpHeaders.ACCEPT);
		if (this.upstreamAuthorization != null) {
			outgoing.set(HttpHeaders.AUTHORIZATION, this.upstreamAuthorization);
		}
	}

	private static Mono<ServerResponse> respond(ResponseEntity<Flux<DataBuffer>> answer) {
		HttpHeaders headers = answer.getHeaders();
		Flux<DataBuffer> body = (answer.getBody() != null) ? answer.getBody() : Flux.empty();
		MediaType contentType = headers.getContentType();
		ServerResponse.BodyBuilder response = ServerResponse.status(answer.getStatusCode());
		if (contentType != null) {
			response.contentType(contentType);
		}
		if (contentType != null && MediaType.TEXT_EVENT_STREAM.isCompatibleWith(contentType)) {
			return response.body(flushingEach(body));
		}
		// Same bytes, so the upstream's length still holds (and spares chunked encoding).
		if (headers.getContentLength() >= 0) {
			response.contentLength(headers.getContentLength());
		}
		return response.body(BodyInserters.fromDataBuffers(body));
	}

	/** Writes each upstream chunk and flushes it, as a streaming gateway must. */
	private static BodyInserter<Flux<DataBuffer>, ReactiveHttpOutputMessage> flushingEach(Flux<DataBuffer> body) {
		return (message, context) -> message.writeAndFlushWith(body.map(Flux::just));
	}

	private boolean authorized(@Nullable String authorization) {
		if (authorization == null || !authorization.startsWith(BEARER)) {
			return false;
		}
		byte[] presented = authorization.substring(BEARER.length()).getBytes(StandardCharsets.UTF_8);
		// Constant time, as Toolgate's key check.
		return MessageDigest.isEqual(presented, this.key);
	}

	private static void copy(HttpHeaders from, HttpHeaders to, String name) {
		String value = from.getFirst(name);
		if (value != null) {
			to.set(name, value);
		}
	}

}
