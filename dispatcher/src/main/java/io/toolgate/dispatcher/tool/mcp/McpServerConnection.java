package io.toolgate.dispatcher.tool.mcp;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.modelcontextprotocol.client.McpAsyncClient;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.netty.channel.ChannelOption;
import io.toolgate.dispatcher.tool.FailureWords;
import io.toolgate.dispatcher.tool.RegisteredTool;
import io.toolgate.dispatcher.tool.ToolExecution;
import io.toolgate.dispatcher.tool.ToolExecutionException;
import io.toolgate.dispatcher.tool.ToolExecutor;
import io.toolgate.dispatcher.tool.ToolRegistry;
import io.toolgate.dispatcher.tool.ToolSpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.ai.mcp.client.webflux.transport.WebClientStreamableHttpTransport;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One MCP server and the tools discovered on it. {@link #start()} connects in the
 * background and never fails: while the server cannot be reached its tools are absent
 * from the registry, {@link #status()} says why, and it is tried again with exponential
 * backoff. Once connected, the tool list is fetched again on
 * {@code notifications/tools/list_changed}, every refresh interval and at once after a
 * call that could not reach the server; a refresh that fails drops the connection and its
 * tools and starts over.
 * <p>
 * A Streamable HTTP server gets its own bounded connection pool. A stdio server is a
 * child process: the SDK's transport reads and writes it on threads of its own, and
 * starts and stops it on the bounded-elastic scheduler, never on an event loop.
 */
public final class McpServerConnection {

	private static final Logger logger = LoggerFactory.getLogger(McpServerConnection.class);

	private static final int ERROR_TEXT_CHARS = 500;

	private final McpServerSpec spec;

	private final McpSettings settings;

	private final ToolRegistry registry;

	private final ToolExecutor executor;

	private final int bulkheadMaxWaiting;

	private final JsonMapper json;

	private final McpJsonMapper mcpJson;

	private final WebClient.@Nullable Builder webClients;

	private final McpOperationObserver observer;

	private final @Nullable ConnectionProvider connections;

	private final AtomicReference<@Nullable Session> session = new AtomicReference<>();

	private final AtomicReference<Status> status;

	private final AtomicLong calls = new AtomicLong();

	private final AtomicLong progressNotifications = new AtomicLong();

	private final Disposable.Swap lifecycle = Disposables.swap();

	/**
	 * Asks for an early refresh: a call that could not reach the server makes the next
	 * listing come now rather than at the refresh interval, so that a server that went
	 * away loses its tools (and shows in health) at once. Dropped while nothing listens.
	 */
	private final Sinks.Many<Long> probes = Sinks.many().multicast().directBestEffort();

	/** The registered tools by their name on the server; guarded by {@code this}. */
	private Map<String, RegisteredTool> tools = Map.of();

	/**
	 * Creates a connection; nothing happens before {@link #start()}.
	 * @param spec the server
	 * @param settings the shared MCP client settings
	 * @param registry where its tools are registered
	 * @param executor the executor its tools run on (the {@link McpToolExecutor})
	 * @param bulkheadMaxWaiting how many calls may wait for a permit of one tool
	 * @param json the gateway's mapper
	 * @param mcpJson the SDK's mapper
	 * @param webClients the client builder HTTP transports start from (e.g. observed)
	 * @param observer hears of every request, for metrics
	 */
	public McpServerConnection(McpServerSpec spec, McpSettings settings, ToolRegistry registry, ToolExecutor executor,
			int bulkheadMaxWaiting, JsonMapper json, McpJsonMapper mcpJson, WebClient.Builder webClients,
			McpOperationObserver observer) {
		this.spec = spec;
		this.settings = settings;
		this.registry = registry;
		this.executor = executor;
		this.bulkheadMaxWaiting = bulkheadMaxWaiting;
		this.json = json;
		this.mcpJson = mcpJson;
		this.observer = observer;
		this.status = new AtomicReference<>(new Status(State.CONNECTING, 0, null));
		if (spec.isStdio()) {
			this.webClients = null;
			this.connections = null;
		}
		else {
			this.connections = ConnectionProvider.builder("toolgate-mcp-" + spec.name())
				.maxConnections(settings.maxConnections())
				.pendingAcquireMaxCount(settings.maxConnections() * 4)
				.pendingAcquireTimeout(settings.connectTimeout().plus(settings.initializeTimeout()))
				.maxIdleTime(Duration.ofSeconds(30))
				.build();
			HttpClient http = HttpClient.create(this.connections)
				.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.connectTimeout().toMillis());
			this.webClients = webClients.clone().clientConnector(new ReactorClientHttpConnector(http));
		}
	}

	/** The server's registry entry. */
	public McpServerSpec spec() {
		return this.spec;
	}

	/** Where the connection stands now. */
	public Status status() {
		return this.status.get();
	}

	/** How many progress notifications the server has sent for calls so far. */
	public long progressNotifications() {
		return this.progressNotifications.get();
	}

	/** How many calls were sent and are still waiting for the server. */
	public int pendingCalls() {
		Session current = this.session.get();
		return (current != null) ? current.transport().pending() : 0;
	}

	/** Connects in the background, and keeps connecting until {@link #stop()}. */
	public void start() {
		Retry reconnect = Retry.backoff(Long.MAX_VALUE, this.settings.reconnectMinBackoff())
			.maxBackoff(this.settings.reconnectMaxBackoff())
			.transientErrors(true)
			.doBeforeRetry((signal) -> {
				// Once per outage at WARN; each further try at DEBUG.
				if (signal.totalRetriesInARow() == 0) {
					logger.warn("MCP server '{}' ({}) unavailable: {}; its tools are absent, retrying with backoff",
							this.spec.name(), this.spec.describe(), describe(signal.failure()));
				}
				else {
					logger.debug("MCP server '{}' still unavailable: {}", this.spec.name(), describe(signal.failure()));
				}
			});
		this.lifecycle.update(Flux.defer(this::connectAndRefresh)
			.doOnError(this::lost)
			.retryWhen(reconnect)
			.subscribe(null, (error) -> logger.error("MCP server '{}' given up", this.spec.name(), error)));
	}

	/**
	 * Stops reconnecting and refreshing, removes the server's tools and closes the
	 * connection (a stdio server's process ends).
	 * @return completes when the connection is closed
	 */
	public Mono<Void> stop() {
		this.lifecycle.dispose();
		this.status.set(new Status(State.STOPPED, 0, null));
		unregister();
		Session last = this.session.getAndSet(null);
		Mono<Void> close = (last != null) ? last.close() : Mono.empty();
		return close.doFinally((signal) -> {
			if (this.connections != null) {
				this.connections.dispose();
			}
		});
	}

	/**
	 * Runs one {@code tools/call} attempt.
	 * @param tool the tool's name on the server
	 * @param execution the attempt
	 * @return the output: the result's {@code structuredContent} when it has one, else
	 * {@code {"content": [...]}}; an {@code isError} result or a JSON-RPC error is a
	 * non-retryable {@code tool_error}, a lost connection a retryable
	 * {@code worker_error}
	 */
	Mono<JsonNode> call(String tool, ToolExecution execution) {
		Session current = this.session.get();
		if (current == null) {
			return Mono
				.error(ToolExecutionException.workerError("MCP server '" + this.spec.name() + "' is not connected"));
		}
		String token = this.spec.name() + "-" + this.calls.incrementAndGet();
		Map<String, Object> meta = new LinkedHashMap<>();
		meta.put("progressToken", token);
		meta.put(CancellingTransport.CALL_TOKEN, token);
		meta.put("io.toolgate/call-id", execution.callId());
		meta.put("io.toolgate/tenant", execution.tenant());
		meta.put("io.toolgate/attempt", execution.attempt());
		if (execution.idempotencyKey() != null) {
			meta.put("io.toolgate/idempotency-key", execution.idempotencyKey());
		}
		@SuppressWarnings("unchecked")
		Map<String, Object> arguments = this.json.convertValue(execution.arguments(), Map.class);
		McpSchema.CallToolRequest request = McpSchema.CallToolRequest.builder(tool)
			.arguments(arguments)
			.meta(meta)
			.build();
		return observed(McpSchema.METHOD_TOOLS_CALL, tool,
				current.client()
					.callTool(request)
					.map(this::output)
					.onErrorMap((error) -> !(error instanceof ToolExecutionException), this::failure))
			.doFinally((signal) -> {
				if (signal == SignalType.CANCEL) {
					current.transport().cancel(token, "the gateway gave up on the call");
				}
				else {
					current.transport().ended(token);
				}
			});
	}

	private Flux<Integer> connectAndRefresh() {
		return connect().flatMapMany((connected) -> {
			this.session.set(connected);
			Flux<Long> refreshes = Flux.merge(Flux.interval(this.settings.refreshInterval()), this.probes.asFlux())
				.onBackpressureDrop();
			return list(connected).concatWith(refreshes.concatMap((tick) -> list(connected), 1));
		});
	}

	/**
	 * Reports a request's duration and outcome when it ends: {@code error.type} is the
	 * tool failure type, the exception's simple name for other failures, or
	 * {@code cancelled}.
	 */
	private <T> Mono<T> observed(String method, @Nullable String tool, Mono<T> request) {
		return Mono.defer(() -> {
			long start = System.nanoTime();
			return request
				.doOnSuccess((value) -> this.observer.completed(method, tool, null, System.nanoTime() - start))
				.doOnError((error) -> this.observer.completed(method, tool,
						(error instanceof ToolExecutionException failure) ? failure.errorType()
								: error.getClass().getSimpleName(),
						System.nanoTime() - start))
				.doOnCancel(() -> this.observer.completed(method, tool, "cancelled", System.nanoTime() - start));
		});
	}

	private Mono<Session> connect() {
		this.status.set(new Status(State.CONNECTING, 0, status().error()));
		// Building a client draws random ids and a stdio transport prepares its process:
		// off the event loop.
		return Mono.fromCallable(this::newSession)
			.subscribeOn(Schedulers.boundedElastic())
			.flatMap((created) -> created.client()
				.initialize()
				.timeout(this.settings.initializeTimeout())
				.transform((initialize) -> observed(McpSchema.METHOD_INITIALIZE, null, initialize))
				.thenReturn(created)
				.onErrorResume((error) -> created.close().then(Mono.error(error))));
	}

	private Mono<Integer> list(Session connected) {
		return connected.client()
			.listTools()
			.timeout(this.settings.listTimeout())
			.transform((listing) -> observed(McpSchema.METHOD_TOOLS_LIST, null, listing))
			// Compiling schemas reads the meta-schemas from the class path: off the
			// event loop.
			.publishOn(Schedulers.boundedElastic())
			.map((result) -> register(result.tools()));
	}

	private Session newSession() {
		McpClientTransport transport;
		if (this.spec.isStdio()) {
			List<String> command = this.spec.command();
			StdioClientTransport stdio = new StdioClientTransport(
					ServerParameters.builder(command.get(0)).args(command.subList(1, command.size())).build(),
					this.mcpJson, this.settings.maxResponseBytes());
			stdio.setStdErrorHandler((line) -> logger.debug("MCP server '{}' stderr: {}", this.spec.name(), line));
			transport = stdio;
		}
		else {
			URI url = Objects.requireNonNull(this.spec.url());
			String base = url.getScheme() + "://" + url.getRawAuthority();
			String endpoint = (url.getRawPath() == null || url.getRawPath().isEmpty()) ? "/" : url.getRawPath();
			if (url.getRawQuery() != null) {
				endpoint += "?" + url.getRawQuery();
			}
			WebClient.Builder builder = Objects.requireNonNull(this.webClients).clone().baseUrl(base);
			builder.defaultHeaders((headers) -> this.spec.headers().forEach(headers::set));
			transport = WebClientStreamableHttpTransport.builder(builder)
				.endpoint(endpoint)
				.jsonMapper(this.mcpJson)
				.build();
		}
		CancellingTransport cancelling = new CancellingTransport(transport);
		McpAsyncClient client = McpClient.async(cancelling)
			// Each call is bounded by its tool's timeout; this only backs it up.
			.requestTimeout(this.spec.timeout().plus(this.settings.listTimeout()))
			.initializationTimeout(this.settings.initializeTimeout())
			.clientInfo(new McpSchema.Implementation("toolgate", "1.0"))
			.toolsChangeConsumer((changed) -> Mono.<Void>fromRunnable(() -> register(changed))
				.subscribeOn(Schedulers.boundedElastic()))
			.progressConsumer((progress) -> Mono.fromRunnable(this.progressNotifications::incrementAndGet))
			.build();
		return new Session(client, cancelling);
	}

	/**
	 * Registers the server's current tools: a tool whose definition is unchanged keeps
	 * its bulkhead and circuit breaker; a tool whose gateway name would be invalid, or
	 * whose schema does not compile, is left out with a warning.
	 * @return how many tools are registered
	 */
	private synchronized int register(List<McpSchema.Tool> listed) {
		Map<String, RegisteredTool> next = new LinkedHashMap<>();
		List<McpSchema.Tool> sorted = new ArrayList<>(listed);
		sorted.sort((a, b) -> a.name().compareTo(b.name()));
		for (McpSchema.Tool tool : sorted) {
			if (!this.spec.accepts(tool.name())) {
				logger.warn("MCP server '{}': tool '{}' left out, '{}' is not a valid tool name", this.spec.name(),
						tool.name(), this.spec.toolName(tool.name()));
				continue;
			}
			String description = (tool.description() != null && !tool.description().isBlank()) ? tool.description()
					: (tool.title() != null) ? tool.title() : tool.name();
			JsonNode schema = this.json.valueToTree(tool.inputSchema());
			ToolSpec spec = this.spec.toolSpec(tool.name(), description, schema);
			RegisteredTool known = this.tools.get(tool.name());
			if (known != null && known.spec().equals(spec)) {
				next.put(tool.name(), known);
				continue;
			}
			try {
				next.put(tool.name(), ToolRegistry.compile(spec, this.executor, this.bulkheadMaxWaiting, this.json));
			}
			catch (IllegalArgumentException ex) {
				logger.warn("MCP server '{}': tool '{}' left out, its input schema is not usable: {}", this.spec.name(),
						tool.name(), ex.getMessage());
			}
		}
		List<String> clashes = this.registry.replaceGroup(this.spec.name(), List.copyOf(next.values()));
		if (!clashes.isEmpty()) {
			logger.warn("MCP server '{}': tools {} left out, their names are taken", this.spec.name(), clashes);
		}
		boolean changed = !next.keySet().equals(this.tools.keySet()) || status().state() != State.CONNECTED;
		this.tools = next;
		this.status.set(new Status(State.CONNECTED, next.size() - clashes.size(), null));
		if (changed) {
			logger.info("MCP server '{}' ({}): {} tools {}", this.spec.name(), this.spec.describe(), next.size(),
					next.values().stream().map(RegisteredTool::name).toList());
		}
		return next.size();
	}

	private synchronized void unregister() {
		this.tools = Map.of();
		this.registry.replaceGroup(this.spec.name(), List.of());
	}

	private void lost(Throwable error) {
		unregister();
		this.status.set(new Status(State.DOWN, 0, describe(error)));
		Session last = this.session.getAndSet(null);
		if (last != null) {
			last.close()
				.subscribe(null, (closing) -> logger.debug("Closing MCP server '{}' failed: {}", this.spec.name(),
						closing.toString()));
		}
	}

	private JsonNode output(McpSchema.CallToolResult result) {
		if (Boolean.TRUE.equals(result.isError())) {
			throw ToolExecutionException.toolError("MCP tool error: " + text(result.content()));
		}
		byte[] bytes;
		try {
			bytes = (result.structuredContent() != null) ? this.mcpJson.writeValueAsBytes(result.structuredContent())
					: contentBytes(result.content());
		}
		catch (java.io.IOException ex) {
			throw new ToolExecutionException(ToolExecutionException.WORKER_ERROR, "MCP tool result could not be read",
					false);
		}
		if (bytes.length > this.settings.maxResponseBytes()) {
			throw new ToolExecutionException(ToolExecutionException.OUTPUT_TOO_LARGE,
					"Tool output exceeds " + this.settings.maxResponseBytes() + " bytes", false);
		}
		return this.json.readTree(bytes);
	}

	/**
	 * {@code {"content": [...]}}, each block with its {@code type} (a list of content
	 * blocks serialises without it, the type being the list's element type).
	 */
	private byte[] contentBytes(List<McpSchema.Content> content) throws java.io.IOException {
		ObjectNode output = this.json.createObjectNode();
		ArrayNode blocks = output.putArray("content");
		for (McpSchema.Content block : content) {
			JsonNode node = this.json.readTree(this.mcpJson.writeValueAsBytes(block));
			if (node instanceof ObjectNode object) {
				ObjectNode typed = this.json.createObjectNode().put("type", block.type());
				object.properties().forEach((field) -> typed.set(field.getKey(), field.getValue()));
				blocks.add(typed);
			}
		}
		return this.json.writeValueAsBytes(output);
	}

	private Throwable failure(Throwable error) {
		if (error instanceof McpError mcp && mcp.getJsonRpcError() != null) {
			McpSchema.JSONRPCResponse.JSONRPCError rpc = mcp.getJsonRpcError();
			String message = "MCP server error " + rpc.code() + ": " + truncate(rpc.message());
			// Internal errors may pass; a refused request will be refused again.
			return (rpc.code() == McpSchema.ErrorCodes.INTERNAL_ERROR) ? ToolExecutionException.workerError(message)
					: ToolExecutionException.toolError(message);
		}
		// The connection may be gone: check now rather than at the next refresh.
		this.probes.tryEmitNext(System.nanoTime());
		// Plain words: the model and API clients see this, never a class or a host name.
		return ToolExecutionException.workerError("MCP server request failed: " + FailureWords.describe(error));
	}

	private static String text(List<McpSchema.Content> content) {
		StringBuilder text = new StringBuilder();
		for (McpSchema.Content part : content) {
			if (part instanceof McpSchema.TextContent textContent) {
				text.append((text.length() > 0) ? " " : "").append(textContent.text());
			}
		}
		return truncate((text.length() > 0) ? text.toString() : "(no text)");
	}

	private static String truncate(@Nullable String text) {
		if (text == null) {
			return "";
		}
		return (text.length() > ERROR_TEXT_CHARS) ? text.substring(0, ERROR_TEXT_CHARS) + "…" : text;
	}

	/**
	 * The deepest cause's message, for the log and the health details (the management
	 * port), where the server's address may show.
	 */
	private static String describe(Throwable error) {
		Throwable root = error;
		for (int depth = 0; root.getCause() != null && depth < 16; depth++) {
			root = root.getCause();
		}
		String words = FailureWords.describe(error);
		String message = root.getMessage();
		return ("the request failed".equals(words) && message != null) ? truncate(message) : words;
	}

	/** The state of a server's connection. */
	public enum State {

		/** Not connected yet, or connecting again. */
		CONNECTING,

		/** Connected: its tools are registered. */
		CONNECTED,

		/** The last try failed; another follows after a backoff. */
		DOWN,

		/** Stopped with the gateway. */
		STOPPED

	}

	/**
	 * Where a connection stands.
	 *
	 * @param state the state
	 * @param tools how many of its tools are registered
	 * @param error why the last try failed, or {@code null}
	 */
	public record Status(State state, int tools, @Nullable String error) {
	}

	/** A connected client and its transport. */
	private record Session(McpAsyncClient client, CancellingTransport transport) {

		Mono<Void> close() {
			return this.client.closeGracefully().timeout(Duration.ofSeconds(5)).onErrorResume((error) -> {
				this.client.close();
				return Mono.empty();
			});
		}

	}

}
