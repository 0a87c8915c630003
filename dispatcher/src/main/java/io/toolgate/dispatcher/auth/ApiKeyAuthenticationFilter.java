package io.toolgate.dispatcher.auth;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import org.springframework.http.HttpHeaders;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Authenticates {@code /v1/**} requests by their {@code Authorization: Bearer} key and stores the
 * {@link Tenant}. Other paths (actuator) pass through.
 */
public class ApiKeyAuthenticationFilter implements WebFilter {

	private static final String BEARER = "Bearer ";

	/** The tenant of every request when authentication is disabled. */
	public static final Tenant ANONYMOUS = new Tenant("anonymous");

	private final ApiKeyResolver resolver;

	private final boolean enabled;

	/**
	 * Creates the filter.
	 * @param resolver the configured keys
	 * @param enabled whether keys are required; when not, every request acts for {@link #ANONYMOUS}
	 */
	public ApiKeyAuthenticationFilter(ApiKeyResolver resolver, boolean enabled) {
		this.resolver = resolver;
		this.enabled = enabled;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		if (!exchange.getRequest().getPath().value().startsWith("/v1/")) {
			return chain.filter(exchange);
		}
		if (!this.enabled) {
			exchange.getAttributes().put(Tenant.ATTRIBUTE, ANONYMOUS);
			return chain.filter(exchange);
		}
		String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return Mono.error(unauthenticated("Missing API key: send 'Authorization: Bearer <key>'"));
		}
		return this.resolver.resolve(header.substring(BEARER.length()).trim())
			.map(tenant -> {
				exchange.getAttributes().put(Tenant.ATTRIBUTE, tenant);
				return chain.filter(exchange);
			})
			.orElseGet(() -> Mono.error(unauthenticated("Invalid API key")));
	}

	private static ToolgateException unauthenticated(String message) {
		return new ToolgateException(ErrorType.UNAUTHENTICATED, message);
	}

}
