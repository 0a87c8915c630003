package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiterUnavailableException;
import io.toolgate.ratelimit.bucket4j.LocalBucket4jRateLimiter;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class FailoverRateLimiterTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private static final LimitSpec TWO_PER_MINUTE = LimitSpec.perMinute("requests", 2);

	private static final LimitKey KEY = LimitKey.tenantRequests("acme");

	private final StubRateLimiter primary = new StubRateLimiter(new LocalBucket4jRateLimiter());

	private final LocalBucket4jRateLimiter fallback = new LocalBucket4jRateLimiter();

	private final AtomicLong nanos = new AtomicLong();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private FailoverRateLimiter limiter(BackendFailurePolicy policy) {
		return new FailoverRateLimiter(this.primary, this.fallback, policy, Duration.ofSeconds(1), this.meters,
				this.nanos::get);
	}

	@Test
	void usesThePrimaryWhileItAnswers() {
		FailoverRateLimiter limiter = limiter(BackendFailurePolicy.FAIL_OPEN);
		assertThat(consume(limiter).remaining()).isEqualTo(1);
		assertThat(this.primary.calls()).isEqualTo(1);
		assertThat(this.fallback.size()).isZero();
		assertThat(limiter.isDegraded()).isFalse();
	}

	@Test
	void failOpenAnswersFromTheLocalLimiterWhenThePrimaryIsDown() {
		FailoverRateLimiter limiter = limiter(BackendFailurePolicy.FAIL_OPEN);
		this.primary.down();
		assertThat(consume(limiter).allowed()).isTrue();
		assertThat(consume(limiter).allowed()).isTrue();
		assertThat(consume(limiter).allowed()).isFalse();
		assertThat(this.fallback.size()).isOne();
		assertThat(limiter.isDegraded()).isTrue();
		assertThat(failures("fail-open")).isEqualTo(3);
	}

	@Test
	void failClosedEmitsUnavailableWhenThePrimaryIsDown() {
		FailoverRateLimiter limiter = limiter(BackendFailurePolicy.FAIL_CLOSED);
		this.primary.down();
		StepVerifier.create(limiter.tryConsume(KEY, TWO_PER_MINUTE, 1))
			.expectError(RateLimiterUnavailableException.class)
			.verify(TIMEOUT);
		StepVerifier.create(limiter.adjust(KEY, TWO_PER_MINUTE, 1))
			.expectError(RateLimiterUnavailableException.class)
			.verify(TIMEOUT);
		assertThat(this.fallback.size()).isZero();
		assertThat(failures("fail-closed")).isEqualTo(2);
	}

	@Test
	void skipsThePrimaryForTheRetryIntervalThenProbesItOnce() {
		FailoverRateLimiter limiter = limiter(BackendFailurePolicy.FAIL_OPEN);
		this.primary.down();
		consume(limiter);
		consume(limiter);
		consume(limiter);
		assertThat(this.primary.calls()).isOne();
		this.nanos.addAndGet(Duration.ofSeconds(1).toNanos());
		consume(limiter);
		consume(limiter);
		assertThat(this.primary.calls()).isEqualTo(2);
	}

	@Test
	void recoversWhenTheProbeSucceeds() {
		FailoverRateLimiter limiter = limiter(BackendFailurePolicy.FAIL_CLOSED);
		this.primary.down();
		StepVerifier.create(limiter.tryConsume(KEY, TWO_PER_MINUTE, 1))
			.expectError(RateLimiterUnavailableException.class)
			.verify(TIMEOUT);
		this.primary.up();
		StepVerifier.create(limiter.tryConsume(KEY, TWO_PER_MINUTE, 1))
			.expectError(RateLimiterUnavailableException.class)
			.verify(TIMEOUT);
		this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		assertThat(consume(limiter).allowed()).isTrue();
		assertThat(limiter.isDegraded()).isFalse();
		assertThat(consume(limiter).allowed()).isTrue();
		assertThat(this.primary.calls()).isEqualTo(3);
	}

	@Test
	void adjustmentsGoToTheFallbackWhileDegradedAndNeverProbe() {
		FailoverRateLimiter limiter = limiter(BackendFailurePolicy.FAIL_OPEN);
		this.primary.down();
		consume(limiter);
		consume(limiter);
		this.primary.up();
		this.nanos.addAndGet(Duration.ofSeconds(2).toNanos());
		StepVerifier.create(limiter.adjust(KEY, TWO_PER_MINUTE, -1)).expectComplete().verify(TIMEOUT);
		assertThat(this.primary.calls()).isOne();
		assertThat(limiter.isDegraded()).isTrue();
		// The fallback took both tokens; the adjustment gave one back there.
		assertThat(this.fallback.tryConsume(KEY, TWO_PER_MINUTE, 1).block(TIMEOUT).allowed()).isTrue();
		// The next decision is the probe.
		assertThat(consume(limiter).allowed()).isTrue();
		assertThat(this.primary.calls()).isEqualTo(2);
		assertThat(limiter.isDegraded()).isFalse();
	}

	private RateLimitDecision consume(FailoverRateLimiter limiter) {
		RateLimitDecision decision = limiter.tryConsume(KEY, TWO_PER_MINUTE, 1).block(TIMEOUT);
		assertThat(decision).isNotNull();
		return decision;
	}

	private double failures(String policy) {
		return this.meters.get("toolgate.ratelimit.backend.failures").tag("policy", policy).counter().count();
	}

}
