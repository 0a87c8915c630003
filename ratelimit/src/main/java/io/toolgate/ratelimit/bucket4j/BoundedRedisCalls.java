package io.toolgate.ratelimit.bucket4j;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

import io.toolgate.ratelimit.RateLimiterUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

/**
 * The Redis calls of a {@link Bucket4jRateLimiter}: each one lazy, bounded by the backend
 * timeout, failing with {@link RateLimiterUnavailableException} and published off
 * Lettuce's I/O thread; and the timing of held refunds, sent alone once their delay is
 * over.
 */
final class BoundedRedisCalls {

	private static final Logger logger = LoggerFactory.getLogger(BoundedRedisCalls.class);

	private final Duration timeout;

	private final Scheduler scheduler;

	private final Duration refundDelay;

	BoundedRedisCalls(Duration timeout, Scheduler scheduler, Duration refundDelay) {
		this.timeout = timeout;
		this.scheduler = scheduler;
		this.refundDelay = refundDelay;
	}

	/**
	 * Calls Redis on subscription, through the future the supplier returns.
	 * @param call issues the call; invoked again on resubscription
	 * @return its result, or {@link RateLimiterUnavailableException} on a timeout or a
	 * Redis failure
	 */
	<T> Mono<T> remote(Supplier<CompletableFuture<T>> call) {
		return Mono.fromFuture(call).timeout(this.timeout).onErrorMap(this::unavailable).publishOn(this.scheduler);
	}

	/**
	 * Holds returned tokens on a bucket's slot until its next decision carries them, and
	 * sends them alone once the refund delay is over if none has.
	 * @param slot the bucket's slot
	 * @param tokens how many tokens to return, positive
	 */
	void holdRefund(CachingLettuceProxyManager.Slot slot, long tokens) {
		if (slot.deferRefund(tokens)) {
			sendRefundLater(slot);
		}
	}

	/**
	 * Sends a bucket's held tokens once the refund delay is over, unless a decision on
	 * the bucket has carried them by then. Subscribed here, apart from the caller, which
	 * has long completed; bounded by the backend timeout.
	 */
	private void sendRefundLater(CachingLettuceProxyManager.Slot slot) {
		Mono.delay(this.refundDelay, this.scheduler).then(Mono.defer(() -> {
			long tokens = slot.takeRefund();
			return (tokens > 0) ? remote(() -> slot.bucket().addTokens(tokens)) : Mono.empty();
		})).subscribe(null, (ex) -> logger.debug("Could not return held tokens: {}", ex.toString()));
	}

	private Throwable unavailable(Throwable ex) {
		Throwable cause = (ex instanceof CompletionException && ex.getCause() != null) ? ex.getCause() : ex;
		if (cause instanceof TimeoutException) {
			return new RateLimiterUnavailableException(
					"Rate-limit backend did not answer within " + this.timeout.toMillis() + "ms", cause);
		}
		return new RateLimiterUnavailableException("Rate-limit backend failed: " + cause, cause);
	}

}
