package io.toolgate.dispatcher.policy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiterUnavailableException;
import reactor.core.publisher.Mono;

/**
 * The counters of {@code toolgate.ratelimit.decisions}, registered once for every limit
 * and outcome.
 */
final class RateLimitMetrics {

	static final String REQUESTS = "requests";

	static final String TOKENS = "tokens";

	static final String TOOL = "tool";

	static final String TENANT_TOOL = "tenant_tool";

	static final String ALLOWED = "allowed";

	static final String DENIED = "denied";

	static final String WAITED = "waited";

	static final String UNAVAILABLE = "unavailable";

	private final Map<String, Counter> counters = new HashMap<>();

	RateLimitMetrics(MeterRegistry meters) {
		for (String limit : List.of(REQUESTS, TOKENS, TOOL, TENANT_TOOL)) {
			for (String outcome : List.of(ALLOWED, DENIED, WAITED, UNAVAILABLE)) {
				this.counters.put(limit + '|' + outcome,
						Counter.builder("toolgate.ratelimit.decisions")
							.description("Rate-limit decisions by limit and outcome")
							.tag("limit", limit)
							.tag("outcome", outcome)
							.register(meters));
			}
		}
	}

	void count(String limit, String outcome) {
		Counter counter = this.counters.get(limit + '|' + outcome);
		if (counter != null) {
			counter.increment();
		}
	}

	/**
	 * Counts a decision of a limit that refuses with an HTTP error: allowed or denied as
	 * it comes, and an unreachable backend as {@value #UNAVAILABLE}, turned into the 503
	 * public error.
	 * @param limit the limit ({@value #REQUESTS} or {@value #TOKENS})
	 * @param decision the limiter's decision
	 * @return the decision, counted
	 */
	Mono<RateLimitDecision> counted(String limit, Mono<RateLimitDecision> decision) {
		return decision.doOnNext((result) -> count(limit, result.allowed() ? ALLOWED : DENIED))
			.onErrorMap(RateLimiterUnavailableException.class, (ex) -> {
				count(limit, UNAVAILABLE);
				return PublicErrors.of(ex);
			});
	}

}
