package io.toolgate.dispatcher.lifecycle;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The start-up warm-up's model: an OpenAI-compatible {@code POST /v1/chat/completions} on
 * a loopback port, answering every request at once with the same short reply
 * ({@value #WORDS} words, streamed as one chunk each when the request asks for a stream).
 * It exists only while the warm-up runs.
 */
final class WarmUpUpstream implements AutoCloseable {

	private static final int WORDS = 16;

	private static final String HEAD = "{\"id\":\"chatcmpl-warm-up\",\"object\":\"chat.completion.chunk\",\"created\":0,"
			+ "\"model\":\"" + WarmUpModels.MODEL + "\",\"choices\":[{\"index\":0,";

	private static final String USAGE = "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":" + WORDS
			+ ",\"total_tokens\":" + (12 + WORDS) + "}";

	private static final List<String> CHUNKS = chunks();

	private static final byte[] COMPLETION = ("{\"id\":\"chatcmpl-warm-up\",\"object\":\"chat.completion\",\"created\":0,"
			+ "\"model\":\"" + WarmUpModels.MODEL + "\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
			+ "\"content\":\"" + "warm ".repeat(WORDS).trim() + "\"},\"finish_reason\":\"stop\"}]," + USAGE + "}")
		.getBytes(StandardCharsets.UTF_8);

	private final DisposableServer server;

	private WarmUpUpstream(DisposableServer server) {
		this.server = server;
	}

	/**
	 * Binds the upstream to a free loopback port.
	 * @param timeout the longest wait for the port
	 * @return the bound upstream
	 */
	static Mono<WarmUpUpstream> start(Duration timeout) {
		return HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route(routes -> routes.post("/v1/chat/completions",
					(request, response) -> request.receive()
						.aggregate()
						.asString(StandardCharsets.UTF_8)
						.defaultIfEmpty("")
						.flatMapMany(body -> body.contains("\"stream\":true")
								? response.header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream")
									.sendString(Flux.fromIterable(CHUNKS))
								: response.header(HttpHeaderNames.CONTENT_TYPE, "application/json")
									.sendByteArray(Mono.just(COMPLETION)))))
			.bind()
			.timeout(timeout)
			.map(WarmUpUpstream::new);
	}

	/** The upstream's {@code .../v1} URL. */
	String baseUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/v1";
	}

	@Override
	public void close() {
		this.server.dispose();
	}

	private static List<String> chunks() {
		List<String> chunks = new ArrayList<>(WORDS + 3);
		chunks.add(data(HEAD + "\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}"));
		for (int i = 0; i < WORDS; i++) {
			chunks.add(data(HEAD + "\"delta\":{\"content\":\"warm \"},\"finish_reason\":null}]}"));
		}
		chunks.add(data(HEAD + "\"delta\":{},\"finish_reason\":\"stop\"}]," + USAGE + "}"));
		chunks.add(data("[DONE]"));
		return List.copyOf(chunks);
	}

	private static String data(String payload) {
		return "data: " + payload + "\n\n";
	}

}
