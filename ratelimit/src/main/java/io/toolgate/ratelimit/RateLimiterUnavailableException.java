package io.toolgate.ratelimit;

/** The distributed rate-limit backend could not be reached. */
public class RateLimiterUnavailableException extends RuntimeException {

	/**
	 * Creates the exception.
	 * @param message the message
	 * @param cause the cause
	 */
	public RateLimiterUnavailableException(String message, Throwable cause) {
		super(message, cause);
	}

}
