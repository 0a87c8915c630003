package io.toolgate.loadtest.bench;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.toolgate.loadtest.SseEvent;
import io.toolgate.loadtest.SseEventParser;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The load generator's HTTP client: one Reactor Netty client with a large keep-alive
 * pool, timing each request from an intended start time (so a slow answer does not hide
 * the requests queued behind it).
 */
final class LoadClient implements AutoCloseable {

	private static final String CONTENT = "\"content\":\"";

	private final ConnectionProvider provider;

	private final HttpClient client;

	LoadClient(int maxConnections) {
		this.provider = ConnectionProvider.builder("load")
			.maxConnections(maxConnections)
			.pendingAcquireMaxCount(-1)
			.pendingAcquireTimeout(Duration.ofSeconds(60))
			.maxIdleTime(Duration.ofSeconds(30))
			.build();
		this.client = HttpClient.create(this.provider).responseTimeout(Duration.ofSeconds(150));
	}

	/**
	 * One request's outcome: status, nanoseconds to the first content and to the end, and
	 * whether it was valid.
	 */
	record Timing(int status, long firstContentNanos, long totalNanos, boolean valid) {
	}

	/**
	 * Returns a chat completion request for the simulated model with one user message.
	 * @param prompt the message, plain text that needs no JSON escaping
	 * @param streaming whether the request asks for a stream
	 * @return the request's UTF-8 bytes
	 */
	static byte[] chatBody(String prompt, boolean streaming) {
		return ("{\"model\":\"toolgate-sim\",\"stream\":" + streaming
				+ ",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}]}")
			.getBytes(StandardCharsets.UTF_8);
	}

	/**
	 * Posts a chat completion and times it.
	 * @param url the full URL
	 * @param apiKey a bearer key, or {@code null}
	 * @param body the request
	 * @param streaming whether the request asks for a stream
	 * @param startNanos when the request was meant to start
	 */
	Mono<Timing> chat(String url, @Nullable String apiKey, byte[] body, boolean streaming, long startNanos) {
		long[] first = { 0 };
		StringBuilder tail = new StringBuilder();
		return this.client.headers((headers) -> {
			headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
			if (apiKey != null) {
				headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey);
			}
		}).post().uri(url).send(ByteBufFlux.fromInbound(Mono.just(body))).responseConnection((response, connection) -> {
			int status = response.status().code();
			return connection.inbound().receive().asString(StandardCharsets.UTF_8).doOnNext((chunk) -> {
				if (first[0] == 0 && hasContent(chunk)) {
					first[0] = System.nanoTime();
				}
				tail.append(chunk);
				if (tail.length() > 256) {
					tail.delete(0, tail.length() - 64);
				}
			}).then(Mono.fromSupplier(() -> {
				long end = System.nanoTime();
				boolean complete = streaming ? tail.toString().contains("[DONE]") : tail.toString().contains("}");
				long firstNanos = (first[0] == 0) ? end : first[0];
				return new Timing(status, firstNanos - startNanos, end - startNanos, status == 200 && complete);
			}));
		}).single();
	}

	/**
	 * Returns whether a piece of a chat completion carries text: a {@code "content"}
	 * string that is not empty. A gateway's role chunk ({@code "content":""}, sent before
	 * the model answers) is not the first token.
	 * @param chunk the text received
	 */
	static boolean hasContent(String chunk) {
		int at = chunk.indexOf(CONTENT);
		while (at >= 0) {
			int next = at + CONTENT.length();
			if (next < chunk.length() && chunk.charAt(next) != '"') {
				return true;
			}
			at = chunk.indexOf(CONTENT, next);
		}
		return false;
	}

	/**
	 * Sends a GET and times it to the end of the body.
	 * @param url the full URL
	 * @param apiKey the bearer key
	 * @param startNanos when the request was meant to start
	 */
	Mono<Timing> get(String url, String apiKey, long startNanos) {
		return this.client.headers((headers) -> headers.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey))
			.get()
			.uri(url)
			.responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("").map((text) -> {
				long total = System.nanoTime() - startNanos;
				int status = response.status().code();
				return new Timing(status, total, total, status == 200 && text.contains("}"));
			}));
	}

	/**
	 * A native turn's outcome: status, events with their receive times, and when it was
	 * meant to start.
	 */
	record Turn(int status, List<SseEvent> events, long startNanos, long endNanos) {
	}

	/**
	 * Posts a native turn and collects its events.
	 * @param url the turns URL, {@code .../v1/conversations/<id>/turns}
	 * @param apiKey the bearer key
	 * @param content the user's text
	 * @param onEvent called with each event as it arrives (e.g. to count opened streams)
	 */
	Mono<Turn> turn(String url, String apiKey, String content, java.util.function.Consumer<SseEvent> onEvent) {
		byte[] body = ("{\"content\":\"" + content + "\"}").getBytes(StandardCharsets.UTF_8);
		return Mono.defer(() -> {
			long start = System.nanoTime();
			SseEventParser parser = new SseEventParser();
			List<SseEvent> events = new ArrayList<>();
			return this.client
				.headers((headers) -> headers.set(HttpHeaderNames.CONTENT_TYPE, "application/json")
					.set(HttpHeaderNames.ACCEPT, "text/event-stream")
					.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + apiKey))
				.post()
				.uri(url)
				.send(ByteBufFlux.fromInbound(Mono.just(body)))
				.responseConnection((response, connection) -> connection.inbound()
					.receive()
					.asString(StandardCharsets.UTF_8)
					.doOnNext((chunk) -> {
						for (SseEvent event : parser.feed(chunk, System.nanoTime())) {
							events.add(event);
							onEvent.accept(event);
						}
					})
					.then(Mono
						.fromSupplier(() -> new Turn(response.status().code(), events, start, System.nanoTime()))))
				.single();
		});
	}

	@Override
	public void close() {
		this.provider.disposeLater().block(Duration.ofSeconds(10));
	}

}
