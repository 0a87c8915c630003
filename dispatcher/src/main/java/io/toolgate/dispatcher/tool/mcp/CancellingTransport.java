package io.toolgate.dispatcher.tool.mcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Wraps an SDK client transport so that a {@code tools/call} the gateway gives up on is
 * cancelled on the server too. The SDK's client neither tells the server that a request
 * was cancelled nor forgets the request: this transport notes the JSON-RPC id of each
 * {@code tools/call} it sends (keyed by the call token the executor puts in
 * {@code _meta}), and on {@link #cancel} sends {@code notifications/cancelled} for it and
 * settles the client's pending response locally, so nothing waits for an answer the
 * server will not send.
 */
final class CancellingTransport implements McpClientTransport {

	/** The {@code _meta} key carrying the gateway's token of a call. */
	static final String CALL_TOKEN = "io.toolgate/call-token";

	/** JSON-RPC error code of a request the client cancelled. */
	private static final int REQUEST_CANCELLED = -32800;

	private static final Logger logger = LoggerFactory.getLogger(CancellingTransport.class);

	private final McpClientTransport delegate;

	private final ConcurrentMap<String, Object> requestIds = new ConcurrentHashMap<>();

	private final AtomicReference<@Nullable Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>>> handler = new AtomicReference<>();

	CancellingTransport(McpClientTransport delegate) {
		this.delegate = delegate;
	}

	@Override
	public Mono<Void> connect(Function<Mono<McpSchema.JSONRPCMessage>, Mono<McpSchema.JSONRPCMessage>> handler) {
		this.handler.set(handler);
		return this.delegate.connect(handler);
	}

	@Override
	public Mono<Void> sendMessage(McpSchema.JSONRPCMessage message) {
		if (message instanceof McpSchema.JSONRPCRequest request && McpSchema.METHOD_TOOLS_CALL.equals(request.method())
				&& request.params() instanceof McpSchema.CallToolRequest call && call.meta() != null
				&& call.meta().get(CALL_TOKEN) instanceof String token) {
			this.requestIds.put(token, request.id());
		}
		return this.delegate.sendMessage(message);
	}

	/**
	 * Forgets a call that ended with an answer or an error.
	 * @param token the call's token
	 */
	void ended(String token) {
		this.requestIds.remove(token);
	}

	/**
	 * Cancels a call on the server and settles its pending response locally. Does nothing
	 * for a call that was never sent or already ended. Never blocks.
	 * @param token the call's token
	 * @param reason why, for the server's log
	 */
	void cancel(String token, String reason) {
		Object id = this.requestIds.remove(token);
		if (id == null) {
			return;
		}
		this.delegate
			.sendMessage(new McpSchema.JSONRPCNotification(McpSchema.JSONRPC_VERSION, "notifications/cancelled",
					Map.of("requestId", id, "reason", reason)))
			.subscribe(null, (error) -> logger.debug("Could not send notifications/cancelled: {}", error.toString()));
		var inbound = this.handler.get();
		if (inbound != null) {
			McpSchema.JSONRPCResponse settled = new McpSchema.JSONRPCResponse(McpSchema.JSONRPC_VERSION, id, null,
					new McpSchema.JSONRPCResponse.JSONRPCError(REQUEST_CANCELLED, "cancelled by the caller", null));
			inbound.apply(Mono.just(settled)).subscribe(null, (error) -> {
			});
		}
	}

	/** How many sent calls have neither ended nor been cancelled. */
	int pending() {
		return this.requestIds.size();
	}

	@Override
	public void setExceptionHandler(Consumer<Throwable> handler) {
		this.delegate.setExceptionHandler(handler);
	}

	@Override
	public Mono<Void> closeGracefully() {
		return this.delegate.closeGracefully().doFinally((signal) -> this.requestIds.clear());
	}

	@Override
	public <T> T unmarshalFrom(Object data, TypeRef<T> typeRef) {
		return this.delegate.unmarshalFrom(data, typeRef);
	}

	@Override
	public List<String> protocolVersions() {
		return this.delegate.protocolVersions();
	}

}
