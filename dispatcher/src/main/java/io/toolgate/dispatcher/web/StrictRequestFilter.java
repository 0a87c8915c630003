package io.toolgate.dispatcher.web;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import org.jspecify.annotations.Nullable;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The first filter of every request: rejects requests that could be read more than one
 * way, before authentication and rate limiting look at them.
 * <p>
 * Routing matches the decoded path without its matrix parameters, while the filters
 * behind this one see the raw path; a path such as {@code /v1;x/tools} or
 * {@code /%761/models} would reach a handler without passing them. No Toolgate path needs
 * either form, so instead of normalising, this filter refuses them with 400
 * ({@code invalid_path}): any {@code ;}, a percent-encoded unreserved character
 * ({@code A-Z a-z 0-9 - . _ ~}), {@code /} or {@code \}, a malformed escape, a {@code .}
 * or {@code ..} segment, raw non-ASCII bytes, and escapes that do not decode to
 * well-formed UTF-8.
 * <p>
 * It also answers 400 ({@code invalid_header}) to more than one {@code Authorization}
 * header, 415 to a {@code Content-Type} that does not parse or names an unknown charset,
 * and 400 ({@code invalid_encoding}) to a UTF-8 body that is not well-formed UTF-8
 * (overlong forms included), checked as the body streams in. It runs before every other
 * filter (see {@code FilterOrders}).
 */
public class StrictRequestFilter implements WebFilter {

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		String problem = pathProblem(request.getURI().getRawPath());
		if (problem != null) {
			return Mono
				.error(new ToolgateException(ErrorType.INVALID_REQUEST, "invalid_path", problem, null, Map.of()));
		}
		HttpHeaders headers = request.getHeaders();
		List<String> authorization = headers.get(HttpHeaders.AUTHORIZATION);
		if (authorization != null && authorization.size() > 1) {
			return Mono.error(new ToolgateException(ErrorType.INVALID_REQUEST, "invalid_header",
					"Send exactly one Authorization header", null, Map.of()));
		}
		List<String> contentTypes = headers.get(HttpHeaders.CONTENT_TYPE);
		if (contentTypes == null || contentTypes.isEmpty()) {
			return chain.filter(exchange);
		}
		Charset charset;
		try {
			charset = charsetOf(contentTypes);
		}
		catch (IllegalArgumentException ex) {
			return Mono.error(new ToolgateException(ErrorType.UNSUPPORTED_MEDIA_TYPE,
					"Content-Type is not a valid media type; send application/json"));
		}
		if (!hasBody(request) || !StandardCharsets.UTF_8.equals(charset)) {
			return chain.filter(exchange);
		}
		return chain.filter(exchange.mutate().request(new Utf8CheckedRequest(request)).build());
	}

	/**
	 * The charset a single, well-formed {@code Content-Type} declares, UTF-8 when it
	 * declares none.
	 * @throws IllegalArgumentException for several values, a malformed media type or an
	 * unknown charset
	 */
	private static Charset charsetOf(List<String> contentTypes) {
		if (contentTypes.size() > 1) {
			throw new IllegalArgumentException("several Content-Type headers");
		}
		// InvalidMediaTypeException, IllegalCharsetNameException and
		// UnsupportedCharsetException are all
		// IllegalArgumentExceptions.
		MediaType mediaType = MediaType.parseMediaType(contentTypes.get(0));
		Charset charset = mediaType.getCharset();
		return (charset != null) ? charset : StandardCharsets.UTF_8;
	}

	private static boolean hasBody(ServerHttpRequest request) {
		HttpMethod method = request.getMethod();
		return !(HttpMethod.GET.equals(method) || HttpMethod.HEAD.equals(method) || HttpMethod.OPTIONS.equals(method));
	}

	/** Why a raw path is refused, or {@code null} when it has one reading only. */
	static @Nullable String pathProblem(String rawPath) {
		if (rawPath.indexOf(';') >= 0) {
			return "Path parameters (';') are not accepted";
		}
		for (String segment : rawPath.split("/", -1)) {
			if (segment.equals(".") || segment.equals("..")) {
				return "Dot segments ('.', '..') are not accepted in the path";
			}
		}
		Utf8Validator utf8 = new Utf8Validator();
		for (int i = 0; i < rawPath.length(); i++) {
			char c = rawPath.charAt(i);
			if (c >= 0x80) {
				return "The path must be ASCII; percent-encode other characters as UTF-8";
			}
			int b = c;
			if (c == '%') {
				b = escapedByte(rawPath, i);
				if (b < 0) {
					return "The path has a malformed percent-escape";
				}
				if (isUnreserved(b) || b == '/' || b == '\\') {
					return "Percent-encoded unreserved characters, '/' and '\\' are not accepted in the path";
				}
				i += 2;
			}
			if (!utf8.accept((byte) b)) {
				return "The path's percent-escapes are not valid UTF-8";
			}
		}
		return utf8.isComplete() ? null : "The path's percent-escapes are not valid UTF-8";
	}

	private static int escapedByte(String path, int percent) {
		if (percent + 2 >= path.length()) {
			return -1;
		}
		int high = Character.digit(path.charAt(percent + 1), 16);
		int low = Character.digit(path.charAt(percent + 2), 16);
		return (high < 0 || low < 0) ? -1 : (high << 4) | low;
	}

	private static boolean isUnreserved(int b) {
		return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '.'
				|| b == '_' || b == '~';
	}

	/** A request whose body fails with 400 at the first byte that breaks UTF-8. */
	private static final class Utf8CheckedRequest extends ServerHttpRequestDecorator {

		Utf8CheckedRequest(ServerHttpRequest delegate) {
			super(delegate);
		}

		@Override
		public Flux<DataBuffer> getBody() {
			return Flux.defer(() -> {
				Utf8Validator validator = new Utf8Validator();
				// map rather than handle, which would restore the context's thread locals
				// around every buffer.
				return super.getBody().map((buffer) -> {
					if (!accept(validator, buffer)) {
						DataBufferUtils.release(buffer);
						throw invalidEncoding();
					}
					return buffer;
				}).concatWith(Mono.defer(() -> validator.isComplete() ? Mono.empty() : Mono.error(invalidEncoding())));
			});
		}

		private static boolean accept(Utf8Validator validator, DataBuffer buffer) {
			try (DataBuffer.ByteBufferIterator iterator = buffer.readableByteBuffers()) {
				while (iterator.hasNext()) {
					ByteBuffer bytes = iterator.next();
					for (int i = bytes.position(); i < bytes.limit(); i++) {
						if (!validator.accept(bytes.get(i))) {
							return false;
						}
					}
				}
			}
			return true;
		}

		private static ToolgateException invalidEncoding() {
			return new ToolgateException(ErrorType.INVALID_REQUEST, "invalid_encoding",
					"Request body is not valid UTF-8", null, Map.of());
		}

	}

}
