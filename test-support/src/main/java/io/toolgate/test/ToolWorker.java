package io.toolgate.test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpHeaderNames;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real HTTP tool worker on a free port of 127.0.0.1. It counts requests and in-flight
 * requests (the in-flight count drops before the response is written, so a client never
 * sees a count that includes a request it already got the answer to) and records every
 * request's headers and body.
 * <ul>
 * <li>{@code POST /echo} answers {@code {"echo": <body>}}</li>
 * <li>{@code POST /barrier} holds each request until {@code barrierParties} requests are
 * in flight at once (or 5s pass, then 500)</li>
 * <li>{@code POST /delay?ms=N} answers after N ms</li>
 * <li>{@code POST /flaky?failures=N} answers 503 to its first N requests, then like
 * /echo</li>
 * <li>{@code POST /status?code=N} answers status N with a JSON error body</li>
 * <li>{@code POST /big?bytes=N} answers a JSON string of about N bytes</li>
 * <li>{@code POST /text} answers plain text</li>
 * <li>{@code POST /raw} answers 200 with the {@code body} argument as it is, under the
 * {@code content-type} argument: any text, JSON or not</li>
 * <li>{@code POST /weather} answers {@code {"city","forecast","marker"}} for the
 * {@code city} argument, after the worker's weather latency; the marker is
 * {@link #markerFor(String)}, so a test can find the worker's output in a model's
 * answer</li>
 * </ul>
 * Every request is answered on the server's event loop; nothing blocks but
 * {@link #close()}.
 */
public final class ToolWorker implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final AtomicInteger requests = new AtomicInteger();

	private final AtomicInteger inFlight = new AtomicInteger();

	private final AtomicInteger maxInFlight = new AtomicInteger();

	private final AtomicInteger flakyCount = new AtomicInteger();

	private final Queue<Map<String, String>> headers = new ConcurrentLinkedQueue<>();

	private final Sinks.Empty<Void> barrier = Sinks.empty();

	private final int barrierParties;

	private final Duration weatherLatency;

	private final DisposableServer server;

	private ToolWorker(int barrierParties, Duration weatherLatency) {
		this.barrierParties = barrierParties;
		this.weatherLatency = weatherLatency;
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.handle(this::handle)
			.bindNow(Duration.ofSeconds(10));
	}

	/**
	 * Starts a worker.
	 * @param barrierParties how many concurrent requests release {@code /barrier}
	 * @return the started worker
	 */
	public static ToolWorker start(int barrierParties) {
		return new ToolWorker(barrierParties, Duration.ZERO);
	}

	/**
	 * Starts a worker whose {@code /weather} answers take a while.
	 * @param barrierParties how many concurrent requests release {@code /barrier}
	 * @param weatherLatency the delay of every {@code /weather} answer
	 * @return the started worker
	 */
	public static ToolWorker start(int barrierParties, Duration weatherLatency) {
		return new ToolWorker(barrierParties, weatherLatency);
	}

	/** The marker {@code /weather} returns for a city. */
	public static String markerFor(String city) {
		return "worker-" + Integer.toHexString(Math.abs(city.hashCode()));
	}

	/** The URL of a path of this worker, e.g. {@code /echo}. */
	public URI uri(String pathAndQuery) {
		return URI.create("http://127.0.0.1:" + this.server.port() + pathAndQuery);
	}

	/** The URL of {@code /weather}. */
	public String weatherUrl() {
		return uri("/weather").toString();
	}

	/** How many requests arrived. */
	public int requests() {
		return this.requests.get();
	}

	/**
	 * How many requests are in flight now: arrived, neither answered nor abandoned by
	 * their client.
	 */
	public int inFlight() {
		return this.inFlight.get();
	}

	/** The most requests that were in flight at once. */
	public int maxInFlight() {
		return this.maxInFlight.get();
	}

	/** The headers of every request, in arrival order; names lower-case. */
	public List<Map<String, String>> headers() {
		return List.copyOf(this.headers);
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

	private Publisher<Void> handle(HttpServerRequest request, HttpServerResponse response) {
		this.requests.incrementAndGet();
		Map<String, String> received = new TreeMap<>();
		request.requestHeaders().forEach(entry -> received.put(entry.getKey().toLowerCase(), entry.getValue()));
		this.headers.add(received);
		int now = this.inFlight.incrementAndGet();
		this.maxInFlight.accumulateAndGet(now, Math::max);
		if (now >= this.barrierParties) {
			this.barrier.tryEmitEmpty();
		}
		AtomicBoolean left = new AtomicBoolean();
		Runnable leave = () -> {
			if (left.compareAndSet(false, true)) {
				this.inFlight.decrementAndGet();
			}
		};
		URI uri = URI.create(request.uri());
		Map<String, String> query = query(uri.getQuery());
		return request.receive()
			.aggregate()
			.asString(StandardCharsets.UTF_8)
			.defaultIfEmpty("")
			// A client that gave up (timeout) closes the connection: stop instead of
			// answering a closed channel.
			.flatMap(body -> answer(uri.getPath(), query, body).takeUntilOther(closed(request)))
			.flatMap(reply -> {
				leave.run();
				return response.status(reply.status())
					.header(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
					.sendString(Mono.just(reply.body()))
					.then();
			})
			.doFinally(signal -> leave.run());
	}

	private Mono<Reply> answer(String path, Map<String, String> query, String body) {
		return switch (path) {
			case "/echo" -> Mono.just(Reply.json("{\"echo\":" + body + "}"));
			case "/barrier" -> this.barrier.asMono()
				.timeout(Duration.ofSeconds(5))
				.thenReturn(Reply.json("{\"released\":true}"))
				.onErrorReturn(new Reply(500, "application/json", "{\"error\":\"barrier not reached\"}"));
			case "/delay" -> Mono.delay(Duration.ofMillis(Long.parseLong(query.getOrDefault("ms", "0"))))
				.thenReturn(Reply.json("{\"delayed\":true}"));
			case "/flaky" ->
				(this.flakyCount.incrementAndGet() <= Integer.parseInt(query.getOrDefault("failures", "0")))
						? Mono.just(new Reply(503, "application/json", "{\"error\":\"try later\"}"))
						: Mono.just(Reply.json("{\"echo\":" + body + "}"));
			case "/status" -> Mono.just(new Reply(Integer.parseInt(query.get("code")), "application/json",
					"{\"error\":\"status " + query.get("code") + "\"}"));
			case "/big" -> Mono.just(Reply.json("\"" + "x".repeat(Integer.parseInt(query.get("bytes"))) + "\""));
			case "/text" -> Mono.just(new Reply(200, "text/plain", "hello, not json"));
			case "/raw" -> Mono.just(raw(body));
			case "/weather" -> Mono.delay(this.weatherLatency).thenReturn(Reply.json(weather(body)));
			default -> Mono.just(new Reply(404, "application/json", "{}"));
		};
	}

	private static String weather(String body) {
		JsonNode arguments = JSON.readTree(body);
		String city = arguments.path("city").asString("nowhere");
		ObjectNode result = JSON.createObjectNode();
		result.put("city", city);
		result.put("forecast", "sunny");
		result.put("marker", markerFor(city));
		return JSON.writeValueAsString(result);
	}

	private static Reply raw(String body) {
		JsonNode arguments = JSON.readTree(body);
		return new Reply(200, arguments.path("content-type").asString("application/json"),
				arguments.path("body").asString(""));
	}

	private static Mono<Void> closed(HttpServerRequest request) {
		return Mono.create(sink -> request.withConnection(connection -> connection.onDispose(sink::success)));
	}

	private static Map<String, String> query(@Nullable String query) {
		Map<String, String> values = new HashMap<>();
		if (query != null) {
			for (String pair : query.split("&")) {
				String[] parts = pair.split("=", 2);
				values.put(parts[0], (parts.length > 1) ? parts[1] : "");
			}
		}
		return values;
	}

	private record Reply(int status, String contentType, String body) {

		static Reply json(String body) {
			return new Reply(200, "application/json", body);
		}

	}

}
