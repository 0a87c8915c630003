package io.toolgate.dispatcher.error;

/**
 * Every kind of request failure with its HTTP status and the {@code type} and
 * {@code code} of the error body.
 */
public enum ErrorType {

	/** The body is not valid JSON. */
	MALFORMED_JSON(400, "invalid_request_error", "malformed_json"),
	/** A field is missing or invalid. */
	INVALID_REQUEST(400, "invalid_request_error", "invalid_field"),
	/** Missing or unknown API key. */
	UNAUTHENTICATED(401, "authentication_error", "invalid_api_key"),
	/** The tenant may not do this. */
	FORBIDDEN(403, "permission_error", "forbidden"),
	/** No such conversation, turn, tool or route. */
	NOT_FOUND(404, "not_found_error", "not_found"),
	/** Method not allowed on this path. */
	METHOD_NOT_ALLOWED(405, "invalid_request_error", "method_not_allowed"),
	/** A turn of the conversation is already running, or a concurrent write won. */
	CONFLICT(409, "conflict_error", "turn_in_progress"),
	/** The thing asked for existed but is over, e.g. an approval past its expiry. */
	GONE(410, "invalid_request_error", "gone"),
	/** The request line exceeds the server's limit. */
	URI_TOO_LONG(414, "invalid_request_error", "uri_too_long"),
	/** The request headers exceed the server's limit. */
	HEADERS_TOO_LARGE(431, "invalid_request_error", "headers_too_large"),
	/** The body exceeds the configured limit. */
	PAYLOAD_TOO_LARGE(413, "invalid_request_error", "payload_too_large"),
	/** The body is not JSON. */
	UNSUPPORTED_MEDIA_TYPE(415, "invalid_request_error", "unsupported_media_type"),
	/** The client cannot accept the response type. */
	NOT_ACCEPTABLE(406, "invalid_request_error", "not_acceptable"),
	/**
	 * The request is well-formed but its content is invalid, e.g. tool arguments against
	 * the schema.
	 */
	UNPROCESSABLE(422, "invalid_request_error", "invalid_arguments"),
	/** A rate limit was hit. */
	RATE_LIMITED(429, "rate_limit_error", "rate_limited"),
	/**
	 * The upstream model is rate limiting the gateway (its 429); the type names the party
	 * that refused.
	 */
	UPSTREAM_RATE_LIMITED(429, "upstream_error", "upstream_rate_limited"),
	/** Unexpected failure; details are logged, not returned. */
	INTERNAL(500, "api_error", "internal_error"),
	/**
	 * A turn recorded as many events as its log may hold
	 * ({@code toolgate.store.max-events-per-turn}).
	 */
	TURN_LOG_FULL(500, "api_error", "turn_log_full"),
	/** The upstream model failed. */
	UPSTREAM(502, "upstream_error", "upstream_failed"),
	/** This replica is at its concurrent-turn limit or draining. */
	SATURATED(503, "overloaded_error", "saturated"),
	/**
	 * A reader of a turn's events fell too far behind and was cut off; it resumes after
	 * its last event id.
	 */
	READER_OVERFLOW(503, "overloaded_error", "reader_overflow"),
	/** A backing store is unreachable. */
	UNAVAILABLE(503, "unavailable_error", "store_unavailable"),
	/** The upstream model timed out. */
	UPSTREAM_TIMEOUT(504, "upstream_error", "upstream_timeout");

	private final int status;

	private final String type;

	private final String code;

	ErrorType(int status, String type, String code) {
		this.status = status;
		this.type = type;
		this.code = code;
	}

	/** The HTTP status. */
	public int status() {
		return this.status;
	}

	/** The {@code type} of the error body. */
	public String type() {
		return this.type;
	}

	/** The default {@code code} of the error body. */
	public String code() {
		return this.code;
	}

}
