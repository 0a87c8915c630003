package io.toolgate.dispatcher.web;

import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.CorsUtils;
import org.springframework.web.cors.reactive.DefaultCorsProcessor;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Cross-origin access to {@code /v1/**} for browser pages. Runs before authentication,
 * because a browser's preflight {@code OPTIONS} never carries credentials: an allowed
 * preflight is answered here (200 with the CORS headers), a refused one gets 403
 * {@code cors_rejected} without any. An actual request from an allowed origin gets
 * {@code Access-Control-Allow-Origin} and the exposed headers, errors included; one from
 * any other origin goes on with no CORS headers, so the browser keeps its response from
 * the page. Requests without {@code Origin}, or from the gateway's own origin (the demo
 * page), pass untouched.
 */
public class CorsFilter implements WebFilter {

	private final CorsConfiguration configuration;

	private final DefaultCorsProcessor processor = new DefaultCorsProcessor();

	/**
	 * Creates the filter.
	 * @param configuration the allowed origins, methods and headers; none allowed refuses
	 * every preflight
	 */
	public CorsFilter(CorsConfiguration configuration) {
		this.configuration = configuration;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		ServerHttpRequest request = exchange.getRequest();
		if (!request.getPath().value().startsWith("/v1/") || !CorsUtils.isCorsRequest(request)) {
			return chain.filter(exchange);
		}
		boolean preflight = CorsUtils.isPreFlightRequest(request);
		String origin = request.getHeaders().getOrigin();
		if (this.configuration.checkOrigin(origin) == null) {
			if (preflight) {
				return Mono.error(rejected("Origin is not allowed"));
			}
			exchange.getResponse().getHeaders().addAll(HttpHeaders.VARY, List.of(HttpHeaders.ORIGIN));
			return chain.filter(exchange);
		}
		if (!this.processor.process(this.configuration, exchange)) {
			// Only a preflight asking for a method or header that is not allowed gets
			// here.
			exchange.getResponse().getHeaders().remove(HttpHeaders.ACCESS_CONTROL_ALLOW_ORIGIN);
			return Mono.error(rejected("Method or header not allowed for cross-origin requests"));
		}
		if (preflight) {
			exchange.getResponse().setStatusCode(HttpStatus.OK);
			return Mono.empty();
		}
		return chain.filter(exchange);
	}

	private static ToolgateException rejected(String message) {
		return new ToolgateException(ErrorType.FORBIDDEN, "cors_rejected", message, null, Map.of());
	}

}
