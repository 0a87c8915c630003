package io.toolgate.dispatcher.policy;

import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.error.ToolgateException;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimiter;
import reactor.core.publisher.Mono;

/**
 * Requests per tenant per minute, counted at the edge by {@link TenantRateLimitFilter}.
 * Every decision increments {@code toolgate.ratelimit.decisions} with
 * {@code limit=requests}.
 */
public final class RequestRateLimit {

	private final RateLimiter limiter;

	private final RateLimitPlans plans;

	private final RateLimitMetrics metrics;

	/**
	 * Creates the limit.
	 * @param limiter the limiter (typically a {@link FailoverRateLimiter} over Redis, or
	 * local buckets)
	 * @param plans every tenant's limits
	 * @param meters where decisions are counted
	 */
	public RequestRateLimit(RateLimiter limiter, RateLimitPlans plans, MeterRegistry meters) {
		this.limiter = limiter;
		this.plans = plans;
		this.metrics = new RateLimitMetrics(meters);
	}

	/**
	 * Counts one API request of a tenant.
	 * @param tenant the tenant
	 * @return the {@code RateLimit-Policy} and {@code RateLimit} headers to send (empty
	 * if the tenant's requests are not limited); errors with a 429
	 * {@link ToolgateException} ({@link ErrorType#RATE_LIMITED}, code
	 * {@code rate_limited}, with {@code Retry-After} and both headers) when over the
	 * limit, or a 503 one (code {@value PublicErrors#RATE_LIMITER_UNAVAILABLE}) when the
	 * backend is unreachable and the limiter fails closed
	 */
	public Mono<Map<String, String>> admit(String tenant) {
		LimitSpec spec = this.plans.requests(tenant);
		if (spec == null) {
			return Mono.just(Map.of());
		}
		return this.metrics
			.counted(RateLimitMetrics.REQUESTS, this.limiter.tryConsume(LimitKey.tenantRequests(tenant), spec, 1))
			.flatMap((decision) -> decision.allowed() ? Mono.just(RateLimitHeaders.of(spec, decision))
					: Mono.error(RateLimitHeaders.exceeded("rate_limited", "Request rate", spec, decision)));
	}

}
