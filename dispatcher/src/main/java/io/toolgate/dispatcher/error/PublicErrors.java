package io.toolgate.dispatcher.error;

import java.time.Duration;
import java.util.Map;

import io.toolgate.ratelimit.RateLimiterUnavailableException;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.ReaderOverflowException;
import io.toolgate.store.StoreException;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.TurnConflictException;
import io.toolgate.store.TurnLogFullException;
import io.toolgate.store.TurnNotFoundException;
import io.toolgate.store.VersionConflictException;
import io.toolgate.streaming.TurnEvent;
import io.toolgate.streaming.upstream.UpstreamException;
import org.jspecify.annotations.Nullable;

/**
 * The one mapping from a failure to what a client learns of it: status, {@code type},
 * {@code code}, message and {@code Retry-After}, carried by a {@link ToolgateException}.
 * The HTTP error body and a stream's terminal SSE {@code error} event are both built from
 * {@link #of(Throwable)}, so a failure reads the same on both channels. Messages are
 * fixed or come from exceptions whose messages are written for clients; a failure not
 * recognised here is a 500 {@code internal_error} whose detail only the log sees.
 */
public final class PublicErrors {

	/**
	 * The code of a request refused because the rate-limit backend cannot be reached and
	 * the policy fails closed.
	 */
	public static final String RATE_LIMITER_UNAVAILABLE = "rate_limiter_unavailable";

	private static final Duration RETRY_SHORTLY = Duration.ofSeconds(1);

	private PublicErrors() {
	}

	/**
	 * Maps a failure to its public error.
	 * @param ex any failure, possibly wrapping a {@link ToolgateException} (as codecs do)
	 * @return the public error; never {@code null}
	 */
	public static ToolgateException of(Throwable ex) {
		if (ex instanceof ToolgateException known) {
			return known;
		}
		// A codec may wrap a failure of the request body (e.g. its UTF-8 check) in its
		// own exception.
		ToolgateException wrapped = findCause(ex, ToolgateException.class);
		if (wrapped != null) {
			return wrapped;
		}
		if (ex instanceof StoreException store) {
			return ofStore(store);
		}
		if (ex instanceof UpstreamException upstream) {
			return ofUpstream(upstream);
		}
		if (ex instanceof ToolFailure tool) {
			return ofTool(tool.errorType(), tool.getMessage());
		}
		if (ex instanceof RateLimiterUnavailableException) {
			return new ToolgateException(ErrorType.UNAVAILABLE, RATE_LIMITER_UNAVAILABLE,
					"Rate limits cannot be checked right now; retry shortly", RETRY_SHORTLY, Map.of());
		}
		ToolgateException framework = FrameworkErrors.of(ex);
		return (framework != null) ? framework : internal();
	}

	/**
	 * The terminal {@code error} event of a stream that failed with {@code ex}: the type,
	 * code and message of {@link #of(Throwable)}.
	 * @param ex any failure
	 * @return the event
	 */
	public static TurnEvent.Error event(Throwable ex) {
		ToolgateException error = of(ex);
		return new TurnEvent.Error(error.errorType().type(), error.getMessage(), error.code());
	}

	/**
	 * Maps a failed tool call, as a direct invocation reports it over HTTP (inside a turn
	 * a tool failure is a tool result the model sees, never an error).
	 * @param errorType the tool failure type, one of {@code ToolExecutionException}'s
	 * constants or {@code rate_limited}
	 * @param message the failure's message, safe to show
	 * @return the public error
	 */
	public static ToolgateException ofTool(String errorType, @Nullable String message) {
		String text = (message != null) ? message : "Tool call failed";
		// The types of ToolExecutionException and ToolRateDecision, by value: this
		// package sits below the tool
		// and policy packages. PublicErrorsTests covers every one of them.
		return switch (errorType) {
			case "invalid_arguments" -> new ToolgateException(ErrorType.UNPROCESSABLE, text);
			case "tool_error" -> tool(ErrorType.UNPROCESSABLE, "tool_error", text, null);
			case "timeout" -> tool(ErrorType.UPSTREAM_TIMEOUT, "tool_timeout", text, null);
			case "rejected" -> tool(ErrorType.SATURATED, "tool_saturated", text, RETRY_SHORTLY);
			case "circuit_open" -> tool(ErrorType.SATURATED, "tool_circuit_open", text, RETRY_SHORTLY);
			case "output_too_large" -> tool(ErrorType.UPSTREAM, "tool_output_too_large", text, null);
			case "unknown_tool" -> new ToolgateException(ErrorType.NOT_FOUND, text);
			case "rate_limited" -> tool(ErrorType.RATE_LIMITED, "tool_rate_limited", text, RETRY_SHORTLY);
			case "audit_unavailable" -> tool(ErrorType.UNAVAILABLE, "audit_unavailable", text, RETRY_SHORTLY);
			default -> tool(ErrorType.UPSTREAM, "tool_worker_error", text, null);
		};
	}

	private static ToolgateException ofStore(StoreException ex) {
		return switch (ex) {
			// The store's message names the conversation and the turn holding it: the
			// caller's own, and useful.
			case TurnConflictException conflict -> new ToolgateException(ErrorType.CONFLICT, conflict.getMessage());
			case VersionConflictException conflict -> new ToolgateException(ErrorType.CONFLICT, "version_conflict",
					"The conversation was changed concurrently", null, Map.of());
			case LeaseLostException lost -> new ToolgateException(ErrorType.CONFLICT, "lease_lost",
					"The turn lost its conversation lease", null, Map.of());
			case TurnNotFoundException notFound -> ToolgateException.notFound("Turn");
			case TurnLogFullException full ->
				new ToolgateException(ErrorType.TURN_LOG_FULL, "The turn reached the limit of events it may record");
			case ReaderOverflowException overflow -> new ToolgateException(ErrorType.READER_OVERFLOW,
					ErrorType.READER_OVERFLOW.code(),
					"The stream fell too far behind the turn; resume after the last event id", RETRY_SHORTLY, Map.of());
			case StoreUnavailableException unavailable ->
				new ToolgateException(ErrorType.UNAVAILABLE, ErrorType.UNAVAILABLE.code(),
						"Conversation store unavailable; retry shortly", RETRY_SHORTLY, Map.of());
			default -> internal();
		};
	}

	private static ToolgateException ofUpstream(UpstreamException ex) {
		String message = UpstreamErrors.clientMessage(ex);
		String code = UpstreamErrors.code(ex);
		return switch (ex.kind()) {
			case FIRST_TOKEN_TIMEOUT, IDLE_TIMEOUT ->
				new ToolgateException(ErrorType.UPSTREAM_TIMEOUT, code, message, null, Map.of());
			case RATE_LIMITED ->
				new ToolgateException(ErrorType.UPSTREAM_RATE_LIMITED, code, message, RETRY_SHORTLY, Map.of());
			default -> new ToolgateException(ErrorType.UPSTREAM, code, message, null, Map.of());
		};
	}

	private static ToolgateException tool(ErrorType type, String code, String message, @Nullable Duration retryAfter) {
		return new ToolgateException(type, code, message, retryAfter, Map.of());
	}

	private static ToolgateException internal() {
		return new ToolgateException(ErrorType.INTERNAL, "Internal error");
	}

	/**
	 * Returns the first of {@code ex} and its causes (at most 16 deep) that is a
	 * {@code type}.
	 * @param <T> the type
	 * @param ex the failure
	 * @param type the type to find
	 * @return the cause, or {@code null}
	 */
	public static <T extends Throwable> @Nullable T findCause(Throwable ex, Class<T> type) {
		Throwable current = ex;
		for (int depth = 0; current != null && depth < 16; depth++) {
			if (type.isInstance(current)) {
				return type.cast(current);
			}
			current = current.getCause();
		}
		return null;
	}

}
