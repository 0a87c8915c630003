package io.toolgate.dispatcher.error;

import java.time.Duration;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * A request failure that the web edge writes as a JSON error with
 * {@link ErrorType#status()}. Hot-path rejections are created without a stack trace.
 */
public class ToolgateException extends RuntimeException {

	private final ErrorType errorType;

	private final String code;

	private final @Nullable Duration retryAfter;

	private final Map<String, String> headers;

	/**
	 * Creates an exception with the error type's default code.
	 * @param errorType the kind of failure
	 * @param message a message safe to show to the client
	 */
	public ToolgateException(ErrorType errorType, String message) {
		this(errorType, errorType.code(), message, null, Map.of());
	}

	/**
	 * Creates an exception.
	 * @param errorType the kind of failure
	 * @param code the machine-readable code
	 * @param message a message safe to show to the client
	 * @param retryAfter sent as {@code Retry-After} when not {@code null}
	 * @param headers further response headers (e.g. rate-limit headers)
	 */
	public ToolgateException(ErrorType errorType, String code, String message, @Nullable Duration retryAfter,
			Map<String, String> headers) {
		super(message, null, false, false);
		this.errorType = errorType;
		this.code = code;
		this.retryAfter = retryAfter;
		this.headers = Map.copyOf(headers);
	}

	/**
	 * Further fields of the JSON error body, beside {@code type}, {@code message} and
	 * {@code code}; none unless a subclass names some.
	 * @return the fields, in order
	 */
	public Map<String, Object> details() {
		return Map.of();
	}

	/** The kind of failure. */
	public ErrorType errorType() {
		return this.errorType;
	}

	/** The machine-readable code. */
	public String code() {
		return this.code;
	}

	/** The {@code Retry-After} value, if any. */
	public @Nullable Duration retryAfter() {
		return this.retryAfter;
	}

	/** Extra response headers. */
	public Map<String, String> headers() {
		return this.headers;
	}

	/** Returns a 400 naming the invalid field. */
	public static ToolgateException invalidField(String field, String problem) {
		return new ToolgateException(ErrorType.INVALID_REQUEST, "invalid_field", "'" + field + "' " + problem, null,
				Map.of());
	}

	/** Returns a 404. */
	public static ToolgateException notFound(String what) {
		return new ToolgateException(ErrorType.NOT_FOUND, what + " not found");
	}

}
