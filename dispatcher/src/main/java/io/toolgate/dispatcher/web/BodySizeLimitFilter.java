package io.toolgate.dispatcher.web;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Rejects a request whose declared {@code Content-Length} exceeds the limit with 413
 * before reading it. Bodies without a length (chunked) are bounded by the codecs'
 * in-memory limit, which is set to the same size.
 */
public class BodySizeLimitFilter implements WebFilter {

	private final long maxBodySize;

	/**
	 * Creates the filter.
	 * @param maxBodySize the limit in bytes
	 */
	public BodySizeLimitFilter(long maxBodySize) {
		this.maxBodySize = maxBodySize;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		long length = exchange.getRequest().getHeaders().getContentLength();
		if (length > this.maxBodySize) {
			return Mono.error(new ToolgateException(ErrorType.PAYLOAD_TOO_LARGE,
					"Request body exceeds the limit of " + this.maxBodySize + " bytes"));
		}
		return chain.filter(exchange);
	}

}
