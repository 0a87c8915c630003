package io.toolgate.dispatcher.web;

import java.time.Duration;
import java.util.Map;

import io.toolgate.dispatcher.support.OneSlotGateway;
import io.toolgate.dispatcher.support.TestRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway allowed one running turn: while a turn holds the slot, every other turn is
 * refused at once with 503, {@code Retry-After} and an {@code overloaded_error}, and
 * nothing of it is stored; once the slot frees, turns run again. Its own class, because
 * closing a second gateway in a JVM disposes the Reactor Netty resources a first one
 * still serves on.
 */
@Timeout(60)
class SaturationIntegrationTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final String TURN_BODY = "{\"content\": \"hi\"}";

	private static OneSlotGateway gateway;

	private static WebClient acme;

	@BeforeAll
	static void start() {
		gateway = OneSlotGateway.start(Map.of("toolgate.tools.registry",
				TestRegistry.withWeatherWorker("http://127.0.0.1:9/weather").toString(),
				"toolgate.turn.max-concurrent-turns", 1));
		acme = gateway.acme();
	}

	@AfterAll
	static void stop() {
		gateway.close();
	}

	@Test
	void answers503WithRetryAfterWhenSaturated() throws InterruptedException {
		gateway.holdTheSlotNow(WAIT);
		ErrorReply turn = startTurn("other-1");
		turn.assertError(503, "overloaded_error", "saturated");
		assertThat(turn.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		ErrorReply chat = ErrorReply.of(acme.post()
			.uri("/v1/chat/completions")
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue("{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}"));
		chat.assertError(503, "overloaded_error", "saturated");
		assertThat(chat.headers().getFirst(HttpHeaders.RETRY_AFTER)).isEqualTo("1");
		ErrorReply.of(acme.get().uri("/v1/conversations/{id}", "other-1"))
			.assertError(404, "not_found_error", "not_found");
		gateway.release();
		assertThat(awaitAdmitted("other-1").status()).isEqualTo(200);
		assertThat(ErrorReply.of(acme.get().uri("/v1/conversations/{id}", "other-1")).status()).isEqualTo(200);
	}

	private static ErrorReply startTurn(String conversationId) {
		return ErrorReply.of(acme.post()
			.uri("/v1/conversations/{id}/turns", conversationId)
			.contentType(MediaType.APPLICATION_JSON)
			.bodyValue(TURN_BODY));
	}

	/**
	 * Retries a turn refused with 503 until the slot is free again; returns the last
	 * answer.
	 */
	private static ErrorReply awaitAdmitted(String conversationId) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		ErrorReply reply = startTurn(conversationId);
		while (reply.status() == 503 && System.nanoTime() < deadline) {
			Thread.sleep(50);
			reply = startTurn(conversationId);
		}
		return reply;
	}

}
