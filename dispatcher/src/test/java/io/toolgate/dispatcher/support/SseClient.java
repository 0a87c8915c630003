package io.toolgate.dispatcher.support;

import java.util.Map;

import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;

/**
 * Reads the gateway's SSE streams, skipping comments (the opening comment and
 * heartbeats).
 */
public final class SseClient {

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private SseClient() {
	}

	/** Starts a turn and streams its events. */
	public static Flux<ServerSentEvent<String>> startTurn(WebClient client, String conversationId, String content) {
		return client.post()
			.uri("/v1/conversations/{id}/turns", conversationId)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(Map.of("content", content))
			.retrieve()
			.bodyToFlux(SSE)
			.filter(event -> event.data() != null);
	}

	/** Resumes a turn after an event id. */
	public static Flux<ServerSentEvent<String>> resume(WebClient client, String conversationId, String turnId,
			long lastEventId) {
		return client.get()
			.uri("/v1/conversations/{id}/turns/{turnId}/events", conversationId, turnId)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.header("Last-Event-ID", Long.toString(lastEventId))
			.retrieve()
			.bodyToFlux(SSE)
			.filter(event -> event.data() != null);
	}

}
