package io.toolgate.test;

import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reads the gateway's SSE streams over HTTP with a {@link WebClient}: a turn started, a
 * turn resumed after an event id, or any request answering {@code text/event-stream}. The
 * {@code open*} methods return every event, comments included (the opening comment and
 * heartbeats); the others skip comments. Nothing is sent until subscription.
 */
public final class SseClient {

	/** The type to read an SSE body as: events with their data as text. */
	public static final ParameterizedTypeReference<ServerSentEvent<String>> EVENTS = new ParameterizedTypeReference<>() {
	};

	private SseClient() {
	}

	/** Starts a turn and streams its events, without comments. */
	public static Flux<ServerSentEvent<String>> startTurn(WebClient client, String conversationId, String content) {
		return withoutComments(openTurn(client, conversationId, content));
	}

	/** Resumes a turn after an event id, without comments. */
	public static Flux<ServerSentEvent<String>> resume(WebClient client, String conversationId, String turnId,
			long lastEventId) {
		return withoutComments(openResume(client, conversationId, turnId, lastEventId));
	}

	/** Starts a turn and streams every event, comments included. */
	public static Flux<ServerSentEvent<String>> openTurn(WebClient client, String conversationId, String content) {
		return client.post()
			.uri("/v1/conversations/{id}/turns", conversationId)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(Map.of("content", content))
			.retrieve()
			.bodyToFlux(EVENTS);
	}

	/** Resumes a turn after an event id and streams every event, comments included. */
	public static Flux<ServerSentEvent<String>> openResume(WebClient client, String conversationId, String turnId,
			long lastEventId) {
		return client.get()
			.uri("/v1/conversations/{id}/turns/{turnId}/events", conversationId, turnId)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.header("Last-Event-ID", Long.toString(lastEventId))
			.retrieve()
			.bodyToFlux(EVENTS);
	}

	/**
	 * The first event of a type; the stream is cancelled once it arrives.
	 * @param events the stream
	 * @param type the event name, e.g. {@code token}
	 * @return the event, or empty if the stream ends without one
	 */
	public static Mono<ServerSentEvent<String>> first(Flux<ServerSentEvent<String>> events, String type) {
		return events.filter((event) -> type.equals(event.event())).next();
	}

	/** The events that carry data: comments (opening comment, heartbeats) dropped. */
	public static Flux<ServerSentEvent<String>> withoutComments(Flux<ServerSentEvent<String>> events) {
		return events.filter((event) -> event.data() != null);
	}

}
