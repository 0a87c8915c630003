package io.toolgate.test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaders;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.Connection;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * A scripted OpenAI-compatible upstream: a real HTTP server on a free port of 127.0.0.1
 * whose {@code POST /v1/chat/completions} answers are scripted by the test, either call
 * by call as SSE {@code data:} payloads ({@link #start(Script)}, {@link #script}, built
 * with {@link ChatScripts}) or as raw HTTP responses ({@link #answer},
 * {@link #answerSse}, {@link #answerJson}). Until scripted it answers 404. Every
 * {@code data:} payload is flushed on its own, so a test controls exactly when each chunk
 * leaves. It records every request (body, headers) and counts answers cancelled by the
 * client, answers sent to the end and closed connections. Methods do not block, except
 * {@link #close()}.
 */
public final class ScriptedUpstream implements AutoCloseable {

	private final DisposableServer server;

	private final AtomicReference<Answer> answer = new AtomicReference<>(
			(request, index, response) -> response.status(404).send());

	private final Queue<String> bodies = new ConcurrentLinkedQueue<>();

	private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

	private final Queue<HttpHeaders> requestHeaders = new ConcurrentLinkedQueue<>();

	private final AtomicInteger cancellations = new AtomicInteger();

	private final AtomicInteger completions = new AtomicInteger();

	private final AtomicInteger closed = new AtomicInteger();

	private final Sinks.Many<Integer> closedConnections = Sinks.many().replay().all();

	/** Starts an upstream that answers 404 until scripted. */
	public ScriptedUpstream() {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.doOnConnection((connection) -> connection.onDispose(this::connectionClosed))
			.route((routes) -> routes.post("/v1/chat/completions", this::handle))
			.bindNow(Duration.ofSeconds(10));
	}

	/**
	 * Starts an upstream answering every call with {@code script}.
	 * @param script the answer of each call
	 * @return the started upstream
	 */
	public static ScriptedUpstream start(Script script) {
		ScriptedUpstream upstream = new ScriptedUpstream();
		upstream.script(script);
		return upstream;
	}

	/**
	 * Scripts the answers to the next calls as {@code data:} payloads. A streaming call
	 * ({@code "stream": true}) gets them as SSE; any other call gets them assembled into
	 * one {@code chat.completion} JSON body.
	 * @param script the answer of each call
	 */
	public void script(Script script) {
		this.answer.set((request, index, response) -> {
			Flux<String> payloads = script.respond(request, index);
			if (!request.path("stream").asBoolean(false)) {
				return response.header("Content-Type", "application/json")
					.sendString(payloads.collectList().map(ScriptedChunks::assemble).transform(this::counted));
			}
			return sendSse(response, payloads.transform(this::counted));
		});
	}

	/** Scripts the raw HTTP answer to the next calls. */
	public void answer(Function<HttpServerResponse, Publisher<Void>> answer) {
		this.answer.set((request, index, response) -> answer.apply(response));
	}

	/** Scripts an SSE answer with these data payloads to the next calls. */
	public void answerSse(Flux<String> dataPayloads) {
		answer((response) -> sendSse(response, dataPayloads.transform(this::counted)));
	}

	/**
	 * Scripts an SSE answer with these data payloads, after which the connection drops
	 * before the body ends.
	 */
	public void answerSseThenDisconnect(Flux<String> dataPayloads) {
		answer((response) -> Mono.from(sendSse(response, dataPayloads))
			.then(Mono.fromRunnable(() -> response.withConnection(Connection::dispose))));
	}

	/** Scripts a JSON answer with this status to the next calls. */
	public void answerJson(int status, String json) {
		answer((response) -> response.status(status)
			.header("Content-Type", "application/json")
			.sendString(Mono.just(json)));
	}

	/**
	 * The base URL, ending in {@code /v1}, to configure as a client's base URL or as
	 * {@code toolgate.upstream.base-url}.
	 */
	public String baseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/v1";
	}

	/** The {@link #baseUrl()} as a URI. */
	public URI baseUri() {
		return URI.create(baseUrl());
	}

	/** The body of each request received, in order. */
	public Queue<String> bodies() {
		return this.bodies;
	}

	/** The body of each request received, as JSON (missing where it was not JSON). */
	public List<JsonNode> requests() {
		return this.requests;
	}

	/** The headers of each request received, in order. */
	public Queue<HttpHeaders> requestHeaders() {
		return this.requestHeaders;
	}

	/** The {@code Authorization} header of each request, in order; empty where absent. */
	public List<String> authorizations() {
		return headerOfEach("Authorization");
	}

	/** The {@code traceparent} header of each request, in order; empty where absent. */
	public List<String> traceparents() {
		return headerOfEach("traceparent");
	}

	/** How many scripted answers were cancelled by the client before they ended. */
	public int cancellations() {
		return this.cancellations.get();
	}

	/** How many scripted answers were sent to the end. */
	public int completions() {
		return this.completions.get();
	}

	/** Emits the running count of closed server-side connections, replayed. */
	public Flux<Integer> closedConnections() {
		return this.closedConnections.asFlux();
	}

	/** Stops the server, waiting up to 5 s. */
	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

	private Mono<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("").flatMap((body) -> {
			JsonNode json = parse(body);
			int index;
			synchronized (this.requests) {
				index = this.requests.size();
				this.bodies.add(body);
				this.requestHeaders.add(request.requestHeaders().copy());
				this.requests.add(json);
			}
			return Mono.from(this.answer.get().respond(json, index, response));
		});
	}

	private <T> Flux<T> counted(Flux<T> answer) {
		return answer.doOnCancel(this.cancellations::incrementAndGet).doOnComplete(this.completions::incrementAndGet);
	}

	private <T> Mono<T> counted(Mono<T> answer) {
		return answer.doOnCancel(this.cancellations::incrementAndGet)
			.doOnSuccess((value) -> this.completions.incrementAndGet());
	}

	private List<String> headerOfEach(String name) {
		return this.requestHeaders.stream().map((headers) -> headers.get(name, "")).toList();
	}

	private void connectionClosed() {
		this.closedConnections.emitNext(this.closed.incrementAndGet(),
				Sinks.EmitFailureHandler.busyLooping(Duration.ofSeconds(1)));
	}

	private static Publisher<Void> sendSse(HttpServerResponse response, Flux<String> dataPayloads) {
		return response.header("Content-Type", "text/event-stream")
			.sendObject(dataPayloads
				.map((data) -> Unpooled.wrappedBuffer(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8))));
	}

	private static JsonNode parse(String body) {
		try {
			return ScriptedChunks.JSON.readTree(body);
		}
		catch (JacksonException ex) {
			return MissingNode.getInstance();
		}
	}

	/** Scripts the answer to each upstream call. */
	@FunctionalInterface
	public interface Script {

		/**
		 * Answers one call.
		 * @param request the request body
		 * @param index 0 for the first call the upstream receives, then 1, ...
		 * @return the {@code data:} payloads, in order
		 */
		Flux<String> respond(JsonNode request, int index);

	}

	@FunctionalInterface
	private interface Answer {

		Publisher<Void> respond(JsonNode request, int index, HttpServerResponse response);

	}

}
