package io.toolgate.loadtest;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;

/**
 * A simulated HTTP tool worker on Reactor Netty: {@code POST /tool} (or
 * {@code /tool/<name>}) with any body answers JSON after a latency drawn from a
 * {@link LatencyDistribution}; a share of calls fail with 500, and a share hang: they are
 * never answered and their connection is closed after
 * {@link ToolWorkerSettings#maxHang()}. The answer is
 * {@code {"ok":true,"tool":"<name>","latencyMs":<n>,"call":<n>}}. Waiting is a timer,
 * never a thread, so one core serves thousands of concurrent calls.
 * <p>
 * Run it with
 * {@code java ... io.toolgate.loadtest.ToolWorkerSimulator --port=8082 --latency=lognormal:50:400};
 * in tests, {@link #start} it on port 0 and {@link #close} it.
 */
public final class ToolWorkerSimulator implements AutoCloseable {

	private final DisposableServer server;

	private final AtomicLong calls;

	private ToolWorkerSimulator(DisposableServer server, AtomicLong calls) {
		this.server = server;
		this.calls = calls;
	}

	/**
	 * Starts a worker on 127.0.0.1, blocking until it is bound (at most 10 s).
	 * @param port the port, or 0 for a free one
	 * @param settings latency and failures
	 * @return the running worker
	 */
	public static ToolWorkerSimulator start(int port, ToolWorkerSettings settings) {
		AtomicLong calls = new AtomicLong();
		DisposableServer server = server(port, settings, calls).bindNow(Duration.ofSeconds(10));
		return new ToolWorkerSimulator(server, calls);
	}

	private static HttpServer server(int port, ToolWorkerSettings settings, AtomicLong calls) {
		return HttpServer.create()
			.host("127.0.0.1")
			.port(port)
			.route((routes) -> routes.post("/tool", (request, response) -> call(request, response, settings, calls))
				.post("/tool/{name}", (request, response) -> call(request, response, settings, calls)));
	}

	/** Returns the bound port. */
	public int port() {
		return this.server.port();
	}

	/**
	 * Returns the URL tools are configured with, e.g. {@code http://127.0.0.1:8082/tool}.
	 */
	public String url() {
		return "http://127.0.0.1:" + port() + "/tool";
	}

	/** Returns how many calls arrived so far. */
	public long calls() {
		return this.calls.get();
	}

	/** Stops the worker, blocking for at most 5 s. */
	@Override
	public void close() {
		this.server.disposeNow(Duration.ofSeconds(5));
	}

	private static Mono<Void> call(HttpServerRequest request, HttpServerResponse response, ToolWorkerSettings settings,
			AtomicLong calls) {
		long call = calls.incrementAndGet();
		String name = (request.param("name") != null) ? request.param("name") : "tool";
		ThreadLocalRandom random = ThreadLocalRandom.current();
		boolean hang = random.nextDouble() < settings.hangRate();
		boolean fail = !hang && random.nextDouble() < settings.errorRate();
		Duration latency = settings.latency().draw(random);
		Mono<Void> drained = request.receive().then();
		if (hang) {
			// No answer: the connection closes when the hang bound passes, so the gateway
			// sees a reset.
			return drained.then(Mono.delay(settings.maxHang()))
				.then(Mono.fromRunnable(() -> response.withConnection((connection) -> connection.dispose())))
				.then(Mono.never());
		}
		String body = fail ? "{\"error\":\"simulated tool failure\"}" : "{\"ok\":true,\"tool\":\"" + name
				+ "\",\"latencyMs\":" + latency.toMillis() + ",\"call\":" + call + "}";
		Mono<Void> delay = latency.isZero() ? drained : drained.then(Mono.delay(latency)).then();
		return delay.then(Mono.defer(() -> response.status(fail ? 500 : 200)
			.header("Content-Type", "application/json")
			.sendString(Mono.just(body), StandardCharsets.UTF_8)
			.then()));
	}

	/**
	 * Runs a worker until the JVM stops. Options: {@code --port=} (default 8082),
	 * {@code --latency=} (e.g. {@code fixed:100}, {@code uniform:20:80},
	 * {@code lognormal:50:400}), {@code --error-rate=}, {@code --hang-rate=},
	 * {@code --max-hang-ms=} and {@code --seed=}.
	 * @param args the options
	 */
	public static void main(String[] args) {
		Map<String, String> options = Options.parse(args);
		ToolWorkerSettings settings = ToolWorkerSettings.fromOptions(options);
		int port = Integer.parseInt(options.getOrDefault("port", "8082"));
		server(port, settings, new AtomicLong()).bindUntilJavaShutdown(Duration.ofSeconds(5),
				(server) -> System.out.println("Tool worker listening on http://" + server.host() + ":" + server.port()
						+ "/tool with " + settings.latency() + ", error rate " + settings.errorRate() + ", hang rate "
						+ settings.hangRate()));
	}

}
