package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.error.ErrorType;
import io.toolgate.dispatcher.error.PublicErrors;
import io.toolgate.dispatcher.error.ToolgateException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@link RequestRateLimit}: requests per tenant per minute, with the rate-limit headers.
 */
class RequestRateLimitTests extends AbstractRateLimitTests {

	private final RequestRateLimit limit = new RequestRateLimit(this.local, this.plans, this.meters);

	@Test
	void admitsRequestsWithRateLimitHeaders() {
		Map<String, String> headers = this.limit.admit("acme").block(TIMEOUT);
		assertThat(headers).containsEntry("RateLimit-Policy", "\"requests\";q=3;w=60")
			.containsEntry("RateLimit", "\"requests\";r=2;t=20");
	}

	@Test
	void rejectsRequestsOverTheLimitWith429RetryAfterAndHeaders() {
		this.limit.admit("acme").repeat(2).blockLast(TIMEOUT);
		assertThatExceptionOfType(ToolgateException.class).isThrownBy(() -> this.limit.admit("acme").block(TIMEOUT))
			.satisfies((ex) -> {
				assertThat(ex.errorType()).isEqualTo(ErrorType.RATE_LIMITED);
				assertThat(ex.code()).isEqualTo("rate_limited");
				assertThat(ex.getMessage()).contains("3 per minute");
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(20));
				assertThat(ex.headers()).containsEntry("RateLimit", "\"requests\";r=0;t=20")
					.containsEntry("RateLimit-Policy", "\"requests\";q=3;w=60");
			});
		assertThat(decisions("requests", "allowed")).isEqualTo(3);
		assertThat(decisions("requests", "denied")).isEqualTo(1);
	}

	@Test
	void unlimitedTenantGetsNoHeaders() {
		RequestRateLimit unlimited = new RequestRateLimit(this.local, RateLimitPlans.unlimited(), this.meters);
		assertThat(unlimited.admit("acme").block(TIMEOUT)).isEmpty();
	}

	@Test
	void unreachableBackendFailsRequestsWith503() {
		RequestRateLimit limit = new RequestRateLimit(unreachable(), this.plans, this.meters);
		assertThatExceptionOfType(ToolgateException.class).isThrownBy(() -> limit.admit("acme").block(TIMEOUT))
			.satisfies((ex) -> {
				assertThat(ex.errorType()).isEqualTo(ErrorType.UNAVAILABLE);
				assertThat(ex.code()).isEqualTo(PublicErrors.RATE_LIMITER_UNAVAILABLE);
				assertThat(ex.retryAfter()).isEqualTo(Duration.ofSeconds(1));
			});
		assertThat(decisions("requests", "unavailable")).isEqualTo(1);
	}

}
