package io.toolgate.dispatcher.policy;

import io.toolgate.dispatcher.auth.Tenant;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Counts every authenticated {@code /v1/**} and {@code /mcp} request against its tenant's
 * requests-per-minute limit. Allowed responses carry the {@code RateLimit-Policy} and
 * {@code RateLimit} headers; a request over the limit fails with 429 (see
 * {@link RequestRateLimit#admit(String)}) before it reaches a handler. Other paths
 * (actuator) pass. Runs after authentication and admission (see {@code FilterOrders}).
 */
public class TenantRateLimitFilter implements WebFilter {

	private final RequestRateLimit limit;

	/**
	 * Creates the filter.
	 * @param limit the requests-per-minute limit
	 */
	public TenantRateLimitFilter(RequestRateLimit limit) {
		this.limit = limit;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().value();
		if (!path.startsWith("/v1/") && !"/mcp".equals(path)) {
			return chain.filter(exchange);
		}
		return Mono.defer(() -> this.limit.admit(Tenant.from(exchange).id())).flatMap((headers) -> {
			headers.forEach(exchange.getResponse().getHeaders()::set);
			return chain.filter(exchange);
		});
	}

}
