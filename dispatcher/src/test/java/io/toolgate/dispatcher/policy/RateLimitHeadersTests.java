package io.toolgate.dispatcher.policy;

import java.time.Duration;

import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimitHeadersTests {

	private static final LimitSpec REQUESTS = LimitSpec.perMinute("requests", 600);

	@Test
	void policyNamesTheQuotaAndItsWindowInSeconds() {
		assertThat(RateLimitHeaders.policy(REQUESTS)).isEqualTo("\"requests\";q=600;w=60");
		assertThat(RateLimitHeaders.policy(LimitSpec.perSecond("tool", 5))).isEqualTo("\"tool\";q=5;w=1");
	}

	@Test
	void allowedStateReportsRemainingAndSecondsUntilFull() {
		RateLimitDecision allowed = new RateLimitDecision(true, 600, 599, Duration.ZERO, Duration.ofMillis(100));
		assertThat(RateLimitHeaders.state(REQUESTS, allowed)).isEqualTo("\"requests\";r=599;t=1");
	}

	@Test
	void exhaustedStateReportsSecondsUntilTheNextUnitRoundedUp() {
		RateLimitDecision denied = new RateLimitDecision(false, 600, 0, Duration.ofMillis(11_200),
				Duration.ofSeconds(60));
		assertThat(RateLimitHeaders.state(REQUESTS, denied)).isEqualTo("\"requests\";r=0;t=12");
		assertThat(RateLimitHeaders.of(REQUESTS, denied)).containsEntry("RateLimit-Policy", "\"requests\";q=600;w=60")
			.containsEntry("RateLimit", "\"requests\";r=0;t=12")
			.hasSize(2);
	}

	@Test
	void ceilSecondsRoundsUpAndNeverGoesNegative() {
		assertThat(RateLimitHeaders.ceilSeconds(Duration.ZERO)).isZero();
		assertThat(RateLimitHeaders.ceilSeconds(Duration.ofMillis(-5))).isZero();
		assertThat(RateLimitHeaders.ceilSeconds(Duration.ofNanos(1))).isOne();
		assertThat(RateLimitHeaders.ceilSeconds(Duration.ofSeconds(3))).isEqualTo(3);
	}

}
