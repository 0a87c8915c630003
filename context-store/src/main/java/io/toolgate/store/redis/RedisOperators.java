package io.toolgate.store.redis;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import io.lettuce.core.RedisException;
import io.toolgate.store.StoreUnavailableException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Operators every Redis call goes through: a timeout from the settings and the mapping of
 * infrastructure failures (timeouts, lost or refused connections, Lettuce errors) to
 * {@link StoreUnavailableException}. Domain errors pass through unchanged.
 */
final class RedisOperators {

	private RedisOperators() {
	}

	static <T> Function<Mono<T>, Mono<T>> guard(Duration timeout, String operation) {
		return (source) -> source.timeout(timeout)
			.onErrorMap(RedisOperators::isInfrastructure, (ex) -> unavailable(operation, timeout, ex));
	}

	static <T> Function<Flux<T>, Flux<T>> guardMany(Duration timeout, String operation) {
		return (source) -> source.timeout(timeout)
			.onErrorMap(RedisOperators::isInfrastructure, (ex) -> unavailable(operation, timeout, ex));
	}

	static boolean isInfrastructure(Throwable error) {
		return error instanceof TimeoutException || error instanceof RedisException || error instanceof IOException;
	}

	private static StoreUnavailableException unavailable(String operation, Duration timeout, Throwable cause) {
		String reason = (cause instanceof TimeoutException)
				? "Redis did not answer within " + timeout.toMillis() + " ms" : "Redis failed: " + cause.getMessage();
		return new StoreUnavailableException(operation + ": " + reason, cause);
	}

}
