package io.toolgate.dispatcher.policy;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.toolgate.ratelimit.LimitKey;
import io.toolgate.ratelimit.LimitSpec;
import io.toolgate.ratelimit.RateLimitDecision;
import io.toolgate.ratelimit.RateLimiter;
import io.toolgate.ratelimit.RateLimiterUnavailableException;
import reactor.core.publisher.Mono;

/**
 * An in-JVM stand-in for the distributed limiter: it delegates to a real limiter while
 * "up", and errors with {@link RateLimiterUnavailableException} while "down", counting
 * the calls that reached it.
 */
final class StubRateLimiter implements RateLimiter {

	private final RateLimiter delegate;

	private final AtomicBoolean down = new AtomicBoolean();

	private final AtomicInteger calls = new AtomicInteger();

	StubRateLimiter(RateLimiter delegate) {
		this.delegate = delegate;
	}

	void down() {
		this.down.set(true);
	}

	void up() {
		this.down.set(false);
	}

	int calls() {
		return this.calls.get();
	}

	@Override
	public Mono<RateLimitDecision> tryConsume(LimitKey key, LimitSpec spec, long tokens) {
		return Mono.defer(() -> {
			this.calls.incrementAndGet();
			return this.down.get() ? Mono.error(unavailable()) : this.delegate.tryConsume(key, spec, tokens);
		});
	}

	@Override
	public Mono<Void> adjust(LimitKey key, LimitSpec spec, long delta) {
		return Mono.defer(() -> {
			this.calls.incrementAndGet();
			return this.down.get() ? Mono.error(unavailable()) : this.delegate.adjust(key, spec, delta);
		});
	}

	private static RateLimiterUnavailableException unavailable() {
		return new RateLimiterUnavailableException("Redis is down (stub)", null);
	}

}
