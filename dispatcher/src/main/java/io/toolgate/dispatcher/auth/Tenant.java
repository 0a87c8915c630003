package io.toolgate.dispatcher.auth;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * The tenant an authenticated request acts for. The authentication filter stores it as an
 * exchange attribute.
 *
 * @param id the tenant id
 */
public record Tenant(String id) {

	/** The exchange attribute holding the request's tenant. */
	public static final String ATTRIBUTE = Tenant.class.getName();

	/** Returns the tenant of an authenticated exchange; 401 if there is none. */
	public static Tenant from(ServerWebExchange exchange) {
		Object tenant = exchange.getAttribute(ATTRIBUTE);
		if (tenant instanceof Tenant t) {
			return t;
		}
		throw new ToolgateException(ErrorType.UNAUTHENTICATED, "Missing or invalid API key");
	}

	/** Returns the tenant of an authenticated request; 401 if there is none. */
	public static Tenant from(ServerRequest request) {
		return from(request.exchange());
	}

}
