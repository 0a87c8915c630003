package io.toolgate.dispatcher.config;

import org.springframework.core.Ordered;

/**
 * The order of every {@code WebFilter} (and of the error writer), in one place, in the
 * order a request meets them: the strict-request check, the body-size limit, CORS (a
 * preflight is answered before authentication), authentication, admission, the tenant's
 * rate limit, then the exchange's releases around the handler. Admission comes before the
 * rate limit so that a saturated replica says 503 without a round trip to the rate-limit
 * backend and without spending the tenant's requests.
 */
public final class FilterOrders {

	/**
	 * {@code StrictRequestFilter}: paths, headers and encodings with one reading only,
	 * before anything reads them.
	 */
	public static final int STRICT_REQUEST = Ordered.HIGHEST_PRECEDENCE;

	/**
	 * {@code BodySizeLimitFilter}: a declared body over the limit is 413 before
	 * authentication.
	 */
	public static final int BODY_SIZE_LIMIT = STRICT_REQUEST + 1;

	/**
	 * {@code CorsFilter}: preflights answered, and CORS headers added, before
	 * authentication.
	 */
	public static final int CORS = Ordered.HIGHEST_PRECEDENCE + 5;

	/** {@code ApiKeyAuthenticationFilter}: the tenant, for everything after it. */
	public static final int AUTHENTICATION = Ordered.HIGHEST_PRECEDENCE + 10;

	/**
	 * {@code AdmissionCheckFilter}: a turn-starting request on a saturated or draining
	 * replica is 503 here.
	 */
	public static final int ADMISSION = Ordered.HIGHEST_PRECEDENCE + 15;

	/**
	 * {@code TenantRateLimitFilter}: the tenant's requests per minute; needs the tenant.
	 */
	public static final int TENANT_RATE_LIMIT = Ordered.HIGHEST_PRECEDENCE + 20;

	/**
	 * {@code ExchangeReleases}: inside authentication and the limits, around every
	 * handler.
	 */
	public static final int EXCHANGE_RELEASES = Ordered.HIGHEST_PRECEDENCE + 30;

	/**
	 * {@code ErrorResponseWriter}, a {@code WebExceptionHandler}: ahead of Spring Boot's
	 * own handler (-1).
	 */
	public static final int ERROR_WRITER = -2;

	private FilterOrders() {
	}

}
