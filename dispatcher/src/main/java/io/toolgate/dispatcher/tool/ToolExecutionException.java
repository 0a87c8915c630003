package io.toolgate.dispatcher.tool;

import io.toolgate.dispatcher.error.ToolFailure;

/**
 * A failure of a tool attempt with the type the model sees ({@link #errorType()}) and
 * whether calling again may succeed. Created without a stack trace: these are expected
 * outcomes on the hot path.
 */
public class ToolExecutionException extends RuntimeException implements ToolFailure {

	/** The tool ran too long. */
	public static final String TIMEOUT = "timeout";

	/** The worker was unreachable or answered 5xx or 429. */
	public static final String WORKER_ERROR = "worker_error";

	/** The tool refused the call (a worker 4xx, or a built-in's own failure). */
	public static final String TOOL_ERROR = "tool_error";

	/** The tool's bulkhead had no free permit within the wait bound. */
	public static final String REJECTED = "rejected";

	/**
	 * The tool's circuit breaker is open: recent attempts failed, so this one was not
	 * made. Retryable once the wait named in the message has passed.
	 */
	public static final String CIRCUIT_OPEN = "circuit_open";

	/** The output exceeded {@code toolgate.tools.max-response-size}. */
	public static final String OUTPUT_TOO_LARGE = "output_too_large";

	/** No tool has this name. */
	public static final String UNKNOWN_TOOL = "unknown_tool";

	/** The arguments are not valid JSON or do not match the tool's schema. */
	public static final String INVALID_ARGUMENTS = "invalid_arguments";

	/**
	 * The call was not run: it may not run unrecorded and the audit trail could not
	 * record it.
	 */
	public static final String AUDIT_UNAVAILABLE = "audit_unavailable";

	private final String errorType;

	private final boolean retryable;

	/**
	 * Creates a failure.
	 * @param errorType the type the model sees, e.g. {@link #WORKER_ERROR}
	 * @param message a description safe to show to the model and the client
	 * @param retryable whether calling again may succeed
	 */
	public ToolExecutionException(String errorType, String message, boolean retryable) {
		super(message, null, false, false);
		this.errorType = errorType;
		this.retryable = retryable;
	}

	/** A retryable {@link #WORKER_ERROR}. */
	public static ToolExecutionException workerError(String message) {
		return new ToolExecutionException(WORKER_ERROR, message, true);
	}

	/** A non-retryable {@link #TOOL_ERROR}. */
	public static ToolExecutionException toolError(String message) {
		return new ToolExecutionException(TOOL_ERROR, message, false);
	}

	/** The failure type, e.g. {@code timeout}. */
	@Override
	public String errorType() {
		return this.errorType;
	}

	/** Whether calling again may succeed. */
	public boolean isRetryable() {
		return this.retryable;
	}

}
