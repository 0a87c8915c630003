package io.toolgate.streaming.support;

import java.net.URI;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.netty.handler.codec.http.HttpHeaders;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.NettyOutbound;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A real HTTP server on a free port whose {@code POST /v1/chat/completions} answer each
 * test scripts. It records request bodies and headers, and counts closed connections.
 */
public final class ScriptedUpstream implements AutoCloseable {

	private final DisposableServer server;

	private final AtomicReference<Function<HttpServerResponse, Publisher<Void>>> script = new AtomicReference<>(
			(response) -> response.status(404).send());

	private final Queue<String> bodies = new ConcurrentLinkedQueue<>();

	private final Queue<String> authorizations = new ConcurrentLinkedQueue<>();

	private final Queue<HttpHeaders> requestHeaders = new ConcurrentLinkedQueue<>();

	private final Sinks.Many<Integer> closedConnections = Sinks.many().replay().all();

	private final AtomicInteger closed = new AtomicInteger();

	public ScriptedUpstream() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> connection.onDispose(() -> this.closedConnections
				.emitNext(this.closed.incrementAndGet(), Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)))))
			.route((routes) -> routes.post("/v1/chat/completions", (request,
					response) -> request.receive().aggregate().asString().defaultIfEmpty("").flatMap((body) -> {
						this.bodies.add(body);
						String authorization = request.requestHeaders().get("Authorization");
						this.authorizations.add((authorization != null) ? authorization : "");
						this.requestHeaders.add(request.requestHeaders().copy());
						return Mono.from(this.script.get().apply(response));
					})))
			.bindNow(Duration.ofSeconds(10));
	}

	/** Scripts the answer to the next requests. */
	public void answer(Function<HttpServerResponse, Publisher<Void>> answer) {
		this.script.set(answer);
	}

	/** Scripts an SSE answer with these data payloads. */
	public void answerSse(Flux<String> dataPayloads) {
		answer((response) -> sendSse(response, dataPayloads));
	}

	/**
	 * Scripts an SSE answer with these data payloads, after which the connection drops
	 * before the body ends.
	 */
	public void answerSseThenDisconnect(Flux<String> dataPayloads) {
		answer((response) -> Mono.from(sendSse(response, dataPayloads))
			.then(Mono.fromRunnable(() -> response.withConnection(Connection::dispose))));
	}

	private static NettyOutbound sendSse(HttpServerResponse response, Flux<String> dataPayloads) {
		return response.header("Content-Type", "text/event-stream")
			.sendString(dataPayloads.map((data) -> "data: " + data + "\n\n"));
	}

	/** Scripts a JSON answer. */
	public void answerJson(int status, String json) {
		answer((response) -> response.status(status)
			.header("Content-Type", "application/json")
			.sendString(Mono.just(json)));
	}

	public URI baseUrl() {
		return URI.create("http://127.0.0.1:" + this.server.port() + "/v1");
	}

	public Queue<String> bodies() {
		return this.bodies;
	}

	public Queue<String> authorizations() {
		return this.authorizations;
	}

	/** The headers of each request received, in order. */
	public Queue<HttpHeaders> requestHeaders() {
		return this.requestHeaders;
	}

	/** Emits the running count of closed server-side connections. */
	public Flux<Integer> closedConnections() {
		return this.closedConnections.asFlux();
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

}
