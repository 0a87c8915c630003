package io.toolgate.streaming.upstream;

import org.jspecify.annotations.Nullable;

/** A failed model call, typed by {@link Kind}. */
public class UpstreamException extends RuntimeException {

	private final Kind kind;

	private final int status;

	/**
	 * Creates an exception.
	 * @param kind what failed
	 * @param status the upstream HTTP status, or 0 when there was none
	 * @param message a description safe to show to clients (no keys, no bodies beyond the
	 * upstream's error message)
	 * @param cause the cause, if any
	 */
	public UpstreamException(Kind kind, int status, String message, @Nullable Throwable cause) {
		super(message, cause);
		this.kind = kind;
		this.status = status;
	}

	/** Returns what failed. */
	public Kind kind() {
		return this.kind;
	}

	/** Returns the upstream HTTP status, or 0. */
	public int status() {
		return this.status;
	}

	/** Whether retrying the same call may succeed. */
	public boolean isRetryable() {
		return this.kind.retryable;
	}

	/** Kinds of upstream failure. */
	public enum Kind {

		/** The upstream rejected the request (4xx other than 429). */
		CLIENT_ERROR(false),
		/** The upstream rate-limited the call (429). */
		RATE_LIMITED(true),
		/** The upstream failed (5xx). */
		SERVER_ERROR(true),
		/** The upstream could not be reached. */
		CONNECT(true),
		/** A chunk or body was not valid JSON of the expected shape. */
		MALFORMED(false),
		/** The stream ended before {@code [DONE]} or before a finish reason. */
		STREAM_CUT(true),
		/** No first chunk within the time-to-first-token timeout. */
		FIRST_TOKEN_TIMEOUT(true),
		/** No chunk within the idle timeout. */
		IDLE_TIMEOUT(true);

		private final boolean retryable;

		Kind(boolean retryable) {
			this.retryable = retryable;
		}

	}

}
