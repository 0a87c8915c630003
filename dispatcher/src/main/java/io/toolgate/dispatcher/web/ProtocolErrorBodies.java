package io.toolgate.dispatcher.web;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpServerCodec;
import io.toolgate.dispatcher.error.ErrorType;
import reactor.netty.NettyPipeline;
import tools.jackson.databind.json.JsonMapper;

/**
 * Gives the server's own protocol rejections the JSON error body of every other failure.
 * Reactor Netty answers a request line over the limit with 414, headers over the limit
 * with 431 and a request its decoder refuses (both {@code Content-Length} and
 * {@code Transfer-Encoding}, a malformed header) with 400, and Spring answers a request
 * target that is not a URI ({@code %zz}) with 400; all of them with an empty body, before
 * any WebFlux handler runs. This handler sits right behind the HTTP codec and fills such
 * empty 400, 414 and 431 responses with {@code {"error":{"type","message","code"}}}. The
 * application itself never sends those statuses without a body, and a response to
 * {@code HEAD} stays empty. One instance per connection; install it with
 * {@link #install(ChannelPipeline, JsonMapper)}.
 */
public final class ProtocolErrorBodies extends ChannelDuplexHandler {

	/** The handler's name in the pipeline. */
	public static final String NAME = "toolgate.protocolErrorBodies";

	private final Map<Integer, byte[]> bodies;

	/**
	 * Whether each request not yet answered is a {@code HEAD}, in arrival order (HTTP/1.1
	 * pipelining).
	 */
	private final ArrayDeque<Boolean> heads = new ArrayDeque<>();

	private ProtocolErrorBodies(Map<Integer, byte[]> bodies) {
		this.bodies = bodies;
	}

	/**
	 * Adds the handler behind the HTTP/1.1 codec of a connection's pipeline; pipelines
	 * without one (HTTP/2) are left alone.
	 * @param pipeline the connection's pipeline, already set up by Reactor Netty
	 * @param jsonMapper writes the bodies
	 */
	public static void install(ChannelPipeline pipeline, JsonMapper jsonMapper) {
		if (pipeline.get(NettyPipeline.HttpCodec) instanceof HttpServerCodec && pipeline.get(NAME) == null) {
			pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new ProtocolErrorBodies(bodies(jsonMapper)));
		}
	}

	private static Map<Integer, byte[]> bodies(JsonMapper jsonMapper) {
		return Map.of(400, body(jsonMapper, ErrorType.INVALID_REQUEST, "malformed_request", "Malformed HTTP request"),
				414,
				body(jsonMapper, ErrorType.URI_TOO_LONG, ErrorType.URI_TOO_LONG.code(), "Request line is too long"),
				431, body(jsonMapper, ErrorType.HEADERS_TOO_LARGE, ErrorType.HEADERS_TOO_LARGE.code(),
						"Request headers are too large"));
	}

	private static byte[] body(JsonMapper jsonMapper, ErrorType type, String code, String message) {
		Map<String, String> error = new LinkedHashMap<>();
		error.put("type", type.type());
		error.put("message", message);
		error.put("code", code);
		return jsonMapper.writeValueAsBytes(Map.of("error", error));
	}

	@Override
	public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
		if (msg instanceof HttpRequest request) {
			this.heads.addLast(HttpMethod.HEAD.equals(request.method()));
		}
		ctx.fireChannelRead(msg);
	}

	@Override
	public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
		if (msg instanceof HttpResponse response && response.status().code() >= 200) {
			Boolean head = this.heads.pollFirst();
			byte[] body = this.bodies.get(response.status().code());
			if (body != null && !Boolean.TRUE.equals(head) && msg instanceof FullHttpResponse full
					&& !full.content().isReadable()) {
				ctx.write(withBody(full, body), promise);
				return;
			}
		}
		ctx.write(msg, promise);
	}

	private static FullHttpResponse withBody(FullHttpResponse empty, byte[] body) {
		FullHttpResponse filled = empty.replace(Unpooled.wrappedBuffer(body));
		empty.release();
		filled.headers()
			.set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
			.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
		return filled;
	}

}
