package io.toolgate.dispatcher.policy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.RateLimiterUnavailableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * A distributed {@link RateLimiter} with a {@link BackendFailurePolicy} for when its
 * backend cannot be reached: {@link BackendFailurePolicy#FAIL_OPEN fail-open} answers
 * from a per-replica fallback limiter, {@link BackendFailurePolicy#FAIL_CLOSED
 * fail-closed} emits {@link RateLimiterUnavailableException} for the caller to refuse.
 * <p>
 * After a failure the backend is skipped for {@code retryInterval}, so an outage does not
 * add a timeout to every call; then a single call probes it again. Every call handled by
 * the failure policy (failed or skipped) increments
 * {@code toolgate.ratelimit.backend.failures} tagged with {@code policy}. Going down and
 * coming back are each logged once, not per call.
 */
public final class FailoverRateLimiter implements RateLimiter, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(FailoverRateLimiter.class);

	private final RateLimiter primary;

	private final RateLimiter fallback;

	private final BackendFailurePolicy policy;

	private final long retryIntervalNanos;

	private final LongSupplier nanoClock;

	private final Counter failures;

	private final AtomicBoolean degraded = new AtomicBoolean();

	private final AtomicLong skipUntil = new AtomicLong();

	/**
	 * Creates the limiter.
	 * @param primary the distributed limiter
	 * @param fallback the per-replica limiter used when failing open
	 * @param policy what to do while the primary is unreachable
	 * @param retryInterval how long the primary is skipped after a failure
	 * @param meters where failures are counted
	 * @param nanoClock a monotonic clock in nanoseconds, e.g. {@code System::nanoTime}
	 */
	public FailoverRateLimiter(RateLimiter primary, RateLimiter fallback, BackendFailurePolicy policy,
			Duration retryInterval, MeterRegistry meters, LongSupplier nanoClock) {
		this.primary = primary;
		this.fallback = fallback;
		this.policy = policy;
		this.retryIntervalNanos = retryInterval.toNanos();
		this.nanoClock = nanoClock;
		this.failures = Counter.builder("toolgate.ratelimit.backend.failures")
			.description("Rate-limit calls handled by the backend failure policy because Redis was unreachable")
			.tag("policy", policy.tag())
			.register(meters);
	}

	@Override
	public Mono<RateLimitDecision> tryConsume(LimitKey key, LimitSpec spec, long tokens) {
		return guarded(() -> this.primary.tryConsume(key, spec, tokens),
				() -> this.fallback.tryConsume(key, spec, tokens));
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * An adjustment never probes the backend: the primary may hold returned tokens
	 * without a round trip, so its success says nothing about Redis. While degraded,
	 * adjustments go to the fallback, which took the consumption they correct.
	 */
	@Override
	public Mono<Void> adjust(LimitKey key, LimitSpec spec, long delta) {
		return Mono.defer(() -> {
			if (this.degraded.get()) {
				return onUnavailable(null, () -> this.fallback.adjust(key, spec, delta));
			}
			return this.primary.adjust(key, spec, delta)
				.onErrorResume(RateLimiterUnavailableException.class,
						(ex) -> onUnavailable(ex, () -> this.fallback.adjust(key, spec, delta)));
		});
	}

	/**
	 * Tells whether the backend is currently considered unreachable.
	 * @return whether the failure policy is in force
	 */
	public boolean isDegraded() {
		return this.degraded.get();
	}

	/**
	 * Closes the primary limiter if it holds resources (e.g. its own Redis connection).
	 */
	@Override
	public void close() throws Exception {
		if (this.primary instanceof AutoCloseable closeable) {
			closeable.close();
		}
	}

	private <T> Mono<T> guarded(Supplier<Mono<T>> primaryCall, Supplier<Mono<T>> fallbackCall) {
		return Mono.defer(() -> {
			if (skipPrimary()) {
				return onUnavailable(null, fallbackCall);
			}
			return primaryCall.get()
				.doOnSuccess((ignored) -> recovered())
				.onErrorResume(RateLimiterUnavailableException.class, (ex) -> onUnavailable(ex, fallbackCall));
		});
	}

	private <T> Mono<T> onUnavailable(@Nullable RateLimiterUnavailableException failure,
			Supplier<Mono<T>> fallbackCall) {
		this.failures.increment();
		if (failure != null) {
			failed(failure);
		}
		if (this.policy == BackendFailurePolicy.FAIL_OPEN) {
			return fallbackCall.get();
		}
		return Mono.error((failure != null) ? failure
				: new RateLimiterUnavailableException("Rate-limit backend unavailable (failing closed)", null));
	}

	/**
	 * Skips while degraded and inside the retry interval; past it, exactly one caller
	 * wins the probe.
	 */
	private boolean skipPrimary() {
		if (!this.degraded.get()) {
			return false;
		}
		long now = this.nanoClock.getAsLong();
		long until = this.skipUntil.get();
		if (now - until < 0) {
			return true;
		}
		return !this.skipUntil.compareAndSet(until, now + this.retryIntervalNanos);
	}

	private void failed(RateLimiterUnavailableException ex) {
		this.skipUntil.set(this.nanoClock.getAsLong() + this.retryIntervalNanos);
		if (this.degraded.compareAndSet(false, true)) {
			logger.warn("Rate-limit backend unavailable ({}); {} until it answers again", ex.getMessage(),
					(this.policy == BackendFailurePolicy.FAIL_OPEN) ? "failing open to per-replica limits"
							: "failing closed: rate-limited calls are refused");
		}
	}

	private void recovered() {
		if (this.degraded.compareAndSet(true, false)) {
			logger.warn("Rate-limit backend answers again; fleet-wide limits restored");
		}
	}

}
