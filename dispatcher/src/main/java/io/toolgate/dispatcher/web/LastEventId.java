package io.toolgate.dispatcher.web;

import io.toolgate.dispatcher.error.ToolgateException;
import org.springframework.web.reactive.function.server.ServerRequest;

/** The last event id a resuming SSE client saw. */
final class LastEventId {

	private LastEventId() {
	}

	/**
	 * Reads the {@code Last-Event-ID} header (an {@code EventSource} reconnecting sends
	 * it), else the {@code last_event_id} query parameter (a page opening a new
	 * {@code EventSource} sets it), else 0.
	 * @param request the request
	 * @return the id, 0 for none
	 * @throws ToolgateException 400 when it is not a non-negative integer
	 */
	static long of(ServerRequest request) {
		String value = request.headers().firstHeader("Last-Event-ID");
		if (value == null) {
			value = request.queryParam("last_event_id").orElse("0");
		}
		try {
			long id = Long.parseLong(value.trim());
			if (id < 0) {
				throw new NumberFormatException();
			}
			return id;
		}
		catch (NumberFormatException ex) {
			throw ToolgateException.invalidField("Last-Event-ID", "must be a non-negative integer event id");
		}
	}

}
