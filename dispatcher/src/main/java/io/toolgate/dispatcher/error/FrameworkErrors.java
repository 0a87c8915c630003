package io.toolgate.dispatcher.error;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import org.springframework.core.codec.DecodingException;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.web.server.MethodNotAllowedException;
import org.springframework.web.server.NotAcceptableStatusException;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebInputException;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DatabindException;

/**
 * The part of {@link PublicErrors} that reads failures of the web framework and its
 * codecs.
 */
final class FrameworkErrors {

	private FrameworkErrors() {
	}

	/**
	 * The public error of a framework failure, or {@code null} when {@code ex} is none.
	 */
	static @Nullable ToolgateException of(Throwable ex) {
		if (ex instanceof ResponseStatusException rse) {
			return fromResponseStatus(rse);
		}
		if (PublicErrors.findCause(ex, DataBufferLimitException.class) != null) {
			return payloadTooLarge();
		}
		return null;
	}

	private static ToolgateException fromResponseStatus(ResponseStatusException ex) {
		if (PublicErrors.findCause(ex, DataBufferLimitException.class) != null) {
			return payloadTooLarge();
		}
		if (ex instanceof UnsupportedMediaTypeStatusException) {
			return new ToolgateException(ErrorType.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
		}
		if (ex instanceof NotAcceptableStatusException) {
			return new ToolgateException(ErrorType.NOT_ACCEPTABLE, "Cannot produce an acceptable response type");
		}
		if (ex instanceof MethodNotAllowedException) {
			return new ToolgateException(ErrorType.METHOD_NOT_ALLOWED, "Method not allowed on this path");
		}
		if (ex instanceof ServerWebInputException) {
			return fromInput(ex);
		}
		int status = ex.getStatusCode().value();
		if (status == 404) {
			return new ToolgateException(ErrorType.NOT_FOUND, "No such resource");
		}
		if (status == 413) {
			return payloadTooLarge();
		}
		if (status >= 400 && status < 500) {
			return new ToolgateException(ErrorType.INVALID_REQUEST, "invalid_request",
					ex.getReason() != null ? ex.getReason() : "Invalid request", null, Map.of());
		}
		return new ToolgateException(ErrorType.INTERNAL, "Internal error");
	}

	private static ToolgateException fromInput(ResponseStatusException ex) {
		DatabindException databind = PublicErrors.findCause(ex, DatabindException.class);
		if (databind != null && !databind.getPath().isEmpty()) {
			String field = fieldPath(databind);
			return ToolgateException.invalidField(field, "has the wrong type or shape");
		}
		if (PublicErrors.findCause(ex, JacksonException.class) != null
				|| PublicErrors.findCause(ex, DecodingException.class) != null) {
			return new ToolgateException(ErrorType.MALFORMED_JSON, "Request body is not valid JSON");
		}
		return new ToolgateException(ErrorType.INVALID_REQUEST, "invalid_request",
				ex.getReason() != null ? ex.getReason() : "Invalid request", null, Map.of());
	}

	private static ToolgateException payloadTooLarge() {
		return new ToolgateException(ErrorType.PAYLOAD_TOO_LARGE, "Request body exceeds the configured limit");
	}

	private static String fieldPath(DatabindException ex) {
		StringBuilder path = new StringBuilder();
		for (var ref : ex.getPath()) {
			if (ref.getPropertyName() != null) {
				if (!path.isEmpty()) {
					path.append('.');
				}
				path.append(ref.getPropertyName());
			}
			else if (ref.getIndex() >= 0) {
				path.append('[').append(ref.getIndex()).append(']');
			}
		}
		return path.isEmpty() ? "body" : path.toString();
	}

}
