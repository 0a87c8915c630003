package io.toolgate.ratelimit;

import org.jspecify.annotations.Nullable;

/** The distributed rate-limit backend could not be reached. */
public class RateLimiterUnavailableException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message the message
	 * @param cause the cause, if any
	 */
	public RateLimiterUnavailableException(String message, @Nullable Throwable cause) {
		super(message, cause);
	}

}
