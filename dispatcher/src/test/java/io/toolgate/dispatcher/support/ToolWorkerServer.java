package io.toolgate.dispatcher.support;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A real HTTP tool worker on a random port. {@code POST /weather} answers
 * {@code {"city","forecast","marker"}} where the marker is derived from the city, so a
 * test can find the worker's output in the model's answer.
 */
public final class ToolWorkerServer implements AutoCloseable {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private final DisposableServer server;

	private final AtomicInteger requests = new AtomicInteger();

	private final List<Map<String, String>> headers = new CopyOnWriteArrayList<>();

	private final Map<String, AtomicInteger> perPath = new ConcurrentHashMap<>();

	private ToolWorkerServer(Duration latency) {
		this.server = HttpServer.create()
			.host("127.0.0.1")
			.port(0)
			.route(routes -> routes.post("/weather", (request, response) -> {
				this.requests.incrementAndGet();
				this.perPath.computeIfAbsent("/weather", p -> new AtomicInteger()).incrementAndGet();
				Map<String, String> seen = new ConcurrentHashMap<>();
				request.requestHeaders().forEach(entry -> seen.put(entry.getKey().toLowerCase(), entry.getValue()));
				this.headers.add(seen);
				return response.header("Content-Type", "application/json")
					.sendString(request.receive()
						.aggregate()
						.asString()
						.map(ToolWorkerServer::weather)
						.delayElement(latency));
			}))
			.bindNow();
	}

	/**
	 * Starts a worker.
	 * @param latency the delay of every answer
	 */
	public static ToolWorkerServer start(Duration latency) {
		return new ToolWorkerServer(latency);
	}

	private static String weather(String body) {
		JsonNode arguments = JSON.readTree(body);
		String city = arguments.path("city").asString("nowhere");
		ObjectNode result = JSON.createObjectNode();
		result.put("city", city);
		result.put("forecast", "sunny");
		result.put("marker", "worker-" + Integer.toHexString(Math.abs(city.hashCode())));
		return JSON.writeValueAsString(result);
	}

	/** The marker the worker returns for a city. */
	public static String markerFor(String city) {
		return "worker-" + Integer.toHexString(Math.abs(city.hashCode()));
	}

	/** The worker's tool URL. */
	public String weatherUrl() {
		return "http://127.0.0.1:" + this.server.port() + "/weather";
	}

	/** Requests served. */
	public int requests() {
		return this.requests.get();
	}

	/** Headers of each request, lowercase names. */
	public List<Map<String, String>> headers() {
		return this.headers;
	}

	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

}
