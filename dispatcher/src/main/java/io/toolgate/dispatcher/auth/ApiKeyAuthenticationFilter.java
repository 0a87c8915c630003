package io.toolgate.dispatcher.auth;

import java.util.Map;
import java.util.Optional;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.dispatcher.turn.CompletionStreams;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.PathContainer;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/**
 * Authenticates {@code /v1/**} and {@code /mcp} requests by their
 * {@code Authorization: Bearer} key and stores the {@link Tenant}. Other paths (actuator)
 * pass through. A {@code GET} of a turn's events without {@code Authorization} may
 * instead carry a stream token as {@code ?token=} (see {@link StreamTokens}): it must
 * have been issued for that very turn and not have expired, or the request is 401.
 * Everywhere else a {@code token} parameter counts for nothing.
 */
public class ApiKeyAuthenticationFilter implements WebFilter {

	private static final String BEARER = "Bearer ";

	/** The tenant of every request when authentication is disabled. */
	public static final Tenant ANONYMOUS = new Tenant("anonymous");

	/**
	 * The exchange attribute holding the {@link ApiKeyResolver#keyId key id} of the
	 * request's API key; absent for stream tokens and when authentication is off.
	 */
	public static final String KEY_ID_ATTRIBUTE = ApiKeyAuthenticationFilter.class.getName() + ".keyId";

	/**
	 * The exchange attribute set when a stream token, not an API key, authenticated the
	 * request.
	 */
	public static final String STREAM_TOKEN_ATTRIBUTE = ApiKeyAuthenticationFilter.class.getName() + ".streamToken";

	private static final PathPattern TURN_EVENTS = PathPatternParser.defaultInstance
		.parse("/v1/conversations/{id}/turns/{turnId}/events");

	private static final PathPattern COMPLETION_EVENTS = PathPatternParser.defaultInstance
		.parse("/v1/chat/completions/{turnId}/events");

	private final ApiKeyResolver resolver;

	private final boolean enabled;

	private final StreamTokens streamTokens;

	private final @Nullable WarmUpKey warmUpKey;

	/**
	 * Creates the filter.
	 * @param resolver the configured keys
	 * @param enabled whether keys are required; when not, every request acts for
	 * {@link #ANONYMOUS}
	 * @param streamTokens verifies {@code ?token=} on a turn's events
	 */
	public ApiKeyAuthenticationFilter(ApiKeyResolver resolver, boolean enabled, StreamTokens streamTokens) {
		this(resolver, enabled, streamTokens, null);
	}

	/**
	 * Creates the filter.
	 * @param resolver the configured keys
	 * @param enabled whether keys are required; when not, every request acts for
	 * {@link #ANONYMOUS}
	 * @param streamTokens verifies {@code ?token=} on a turn's events
	 * @param warmUpKey the start-up warm-up's key, tried after the configured ones;
	 * {@code null} without a warm-up
	 */
	public ApiKeyAuthenticationFilter(ApiKeyResolver resolver, boolean enabled, StreamTokens streamTokens,
			@Nullable WarmUpKey warmUpKey) {
		this.resolver = resolver;
		this.enabled = enabled;
		this.streamTokens = streamTokens;
		this.warmUpKey = warmUpKey;
	}

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		String path = exchange.getRequest().getPath().value();
		if (!path.startsWith("/v1/") && !"/mcp".equals(path)) {
			return chain.filter(exchange);
		}
		if (!this.enabled) {
			exchange.getAttributes().put(Tenant.ATTRIBUTE, ANONYMOUS);
			return chain.filter(exchange);
		}
		String header = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
		String token = exchange.getRequest().getQueryParams().getFirst("token");
		if (header == null && token != null) {
			PathPattern.PathMatchInfo turn = turnEvents(exchange);
			if (turn != null) {
				return withStreamToken(exchange, chain, token, turn);
			}
		}
		if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
			return Mono.error(unauthenticated("Missing API key: send 'Authorization: Bearer <key>'"));
		}
		String key = header.substring(BEARER.length()).trim();
		Optional<Tenant> tenant = this.resolver.resolve(key);
		if (tenant.isEmpty() && this.warmUpKey != null) {
			tenant = this.warmUpKey.resolve(key);
		}
		return tenant.map(found -> {
			exchange.getAttributes().put(Tenant.ATTRIBUTE, found);
			exchange.getAttributes().put(KEY_ID_ATTRIBUTE, ApiKeyResolver.keyId(key));
			return chain.filter(exchange);
		}).orElseGet(() -> Mono.error(unauthenticated("Invalid API key")));
	}

	/**
	 * The key id of an exchange's API key.
	 * @param exchange the exchange
	 * @return the key id, or {@code null} if the request came without an API key
	 */
	public static @Nullable String keyId(ServerWebExchange exchange) {
		return exchange.getAttribute(KEY_ID_ATTRIBUTE);
	}

	private static PathPattern.@Nullable PathMatchInfo turnEvents(ServerWebExchange exchange) {
		if (exchange.getRequest().getMethod() != HttpMethod.GET) {
			return null;
		}
		PathContainer path = exchange.getRequest().getPath().pathWithinApplication();
		PathPattern.PathMatchInfo turn = TURN_EVENTS.matchAndExtract(path);
		return (turn != null) ? turn : COMPLETION_EVENTS.matchAndExtract(path);
	}

	private Mono<Void> withStreamToken(ServerWebExchange exchange, WebFilterChain chain, String token,
			PathPattern.PathMatchInfo turn) {
		Map<String, String> ids = turn.getUriVariables();
		// Never log the token: it is a credential, if a short-lived one.
		// A completion's stream is kept under a conversation of its own (see
		// CompletionStreams).
		String conversation = ids.getOrDefault("id", CompletionStreams.CONVERSATION);
		return this.streamTokens.verify(token, conversation, ids.get("turnId")).map(tenant -> {
			exchange.getAttributes().put(Tenant.ATTRIBUTE, tenant);
			exchange.getAttributes().put(STREAM_TOKEN_ATTRIBUTE, Boolean.TRUE);
			return chain.filter(exchange);
		}).orElseGet(() -> Mono.error(unauthenticated("Invalid or expired stream token")));
	}

	private static ToolgateException unauthenticated(String message) {
		return new ToolgateException(ErrorType.UNAUTHENTICATED, message);
	}

}
