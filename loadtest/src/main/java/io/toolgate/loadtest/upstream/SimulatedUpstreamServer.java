package io.toolgate.loadtest.upstream;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.toolgate.streaming.StreamingJson;
import io.toolgate.streaming.upstream.SimulatedModelClient;
import io.toolgate.streaming.upstream.SimulatedModelSettings;
import org.jspecify.annotations.Nullable;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * A standalone OpenAI-compatible upstream on Reactor Netty, answering with a
 * {@link SimulatedModelClient}.
 * <p>
 * Endpoints: {@code POST /v1/chat/completions}, streamed (SSE chunks ending with
 * {@code data: [DONE]}, a usage chunk when {@code stream_options.include_usage}, tool
 * calls fragmented over several chunks and interleaved) or not; and
 * {@code GET /v1/models}. With a required key, requests without
 * {@code Authorization: Bearer <key>} get 401 with an OpenAI-style error body. A
 * simulated server error is a 500 after the time to first token; a simulated stream cut
 * ends the body early, without finish reason or {@code [DONE]}.
 * <p>
 * Run it with
 * {@code java ... io.toolgate.loadtest.upstream.SimulatedUpstreamServer --port=8081} (see
 * {@link #main}); in tests, {@link #start} it on port 0 and {@link #closeNow} it
 * afterwards.
 */
public final class SimulatedUpstreamServer implements AutoCloseable {

	private static final String LOOPBACK = "127.0.0.1";

	private final DisposableServer server;

	private final SimulatedModelClient model;

	private SimulatedUpstreamServer(DisposableServer server, SimulatedModelClient model) {
		this.server = server;
		this.model = model;
	}

	/**
	 * Starts a server on the loopback interface, blocking until it is bound (at most 10
	 * s).
	 * @param port the port, or 0 for a free one
	 * @param settings the simulated model's settings
	 * @param requiredKey the API key clients must send as a bearer token, or {@code null}
	 * for none
	 * @return the running server
	 */
	public static SimulatedUpstreamServer start(int port, SimulatedModelSettings settings,
			@Nullable String requiredKey) {
		return start(LOOPBACK, port, settings, requiredKey);
	}

	/**
	 * Starts a server, blocking until it is bound (at most 10 s).
	 * @param host the interface to bind
	 * @param port the port, or 0 for a free one
	 * @param settings the simulated model's settings
	 * @param requiredKey the API key clients must send as a bearer token, or {@code null}
	 * for none
	 * @return the running server
	 */
	public static SimulatedUpstreamServer start(String host, int port, SimulatedModelSettings settings,
			@Nullable String requiredKey) {
		SimulatedModelClient model = new SimulatedModelClient(settings);
		SimulatedUpstreamHandler handler = new SimulatedUpstreamHandler(model, StreamingJson.mapper(), requiredKey);
		DisposableServer server = HttpServer.create()
			.host(host)
			.port(port)
			.route(handler::routes)
			.bindNow(Duration.ofSeconds(10));
		return new SimulatedUpstreamServer(server, model);
	}

	/** Returns the bound port. */
	public int port() {
		return this.server.port();
	}

	/**
	 * Returns the base URL to configure clients with, e.g.
	 * {@code http://127.0.0.1:8081/v1}.
	 */
	public URI baseUrl() {
		return URI.create("http://" + this.server.host() + ":" + port() + "/v1");
	}

	/** Returns the simulated model that answers. */
	public SimulatedModelClient model() {
		return this.model;
	}

	/**
	 * Stops the server, blocking until its connections are closed or {@code timeout}
	 * passes. Not for non-blocking threads.
	 * @param timeout the longest wait
	 */
	public void closeNow(Duration timeout) {
		this.server.disposeNow(timeout);
	}

	/** Stops the server, as {@code closeNow(Duration.ofSeconds(5))}. */
	@Override
	public void close() {
		closeNow(Duration.ofSeconds(5));
	}

	/**
	 * Runs a server until the JVM stops. Options: {@code --host=} (default 127.0.0.1),
	 * {@code --port=} (default 8081), {@code --ttft-ms=}, {@code --inter-token-ms=},
	 * {@code --reply-words=}, {@code --tool-calls=}, {@code --error-rate=},
	 * {@code --cut-rate=}, {@code --seed=}, {@code --stamp-tokens=} ({@code true} starts
	 * every streamed token with the epoch milliseconds it was sent at, see
	 * {@link TokenStamps}) and {@code --key=} (required bearer key). Unset options keep
	 * {@link SimulatedModelSettings#ofDefaults()}.
	 * @param args the options
	 */
	public static void main(String[] args) {
		Map<String, String> options = options(args);
		SimulatedModelSettings defaults = SimulatedModelSettings.ofDefaults();
		SimulatedModelSettings settings = new SimulatedModelSettings(
				millis(options, "ttft-ms", defaults.timeToFirstToken()),
				millis(options, "inter-token-ms", defaults.interTokenDelay()),
				Integer.parseInt(options.getOrDefault("reply-words", "0")),
				Integer.parseInt(options.getOrDefault("tool-calls", "0")),
				Double.parseDouble(options.getOrDefault("error-rate", "0")),
				Double.parseDouble(options.getOrDefault("cut-rate", "0")),
				Long.parseLong(options.getOrDefault("seed", "0")));
		SimulatedModelClient model = new SimulatedModelClient(settings);
		SimulatedUpstreamHandler handler = new SimulatedUpstreamHandler(model, StreamingJson.mapper(),
				options.get("key"), Boolean.parseBoolean(options.getOrDefault("stamp-tokens", "false")));
		HttpServer.create()
			.host(options.getOrDefault("host", LOOPBACK))
			.port(Integer.parseInt(options.getOrDefault("port", "8081")))
			.route(handler::routes)
			.bindUntilJavaShutdown(Duration.ofSeconds(5), (server) -> announce(server, settings));
	}

	// The command line is this tool's user interface, so the address goes to standard
	// output.
	private static void announce(DisposableServer server, SimulatedModelSettings settings) {
		System.out.println("Simulated upstream listening on http://" + server.host() + ":" + server.port() + "/v1 with "
				+ settings);
	}

	private static Map<String, String> options(String[] args) {
		Map<String, String> options = new HashMap<>();
		for (String arg : args) {
			if (!arg.startsWith("--") || arg.indexOf('=') < 0) {
				throw new IllegalArgumentException("Options look like --name=value: " + arg);
			}
			options.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
		}
		return options;
	}

	private static Duration millis(Map<String, String> options, String name, Duration fallback) {
		String value = options.get(name);
		return (value != null) ? Duration.ofMillis(Long.parseLong(value)) : fallback;
	}

}
