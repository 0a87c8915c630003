package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A turn whose model never finishes ends at the turn deadline with what it has, and frees
 * the conversation.
 */
@Timeout(60)
class TurnDeadlineIntegrationTests {

	private static final JsonMapper JSON = JsonMapper.builder().build();

	private static ScriptedUpstream upstream;

	private static GatewayApp app;

	@BeforeAll
	static void start() {
		// The first token arrives, then the upstream stalls forever.
		upstream = ScriptedUpstream
			.start((request, index) -> Flux.concat(ChatScripts.text("partial").take(2), Flux.never()));
		app = GatewayApp.start(Map.of("toolgate.upstream.base-url", upstream.baseUrl(), "toolgate.turn.deadline",
				"1500ms", "toolgate.upstream.idle-timeout", "60s"));
	}

	@AfterAll
	static void stop() {
		app.close();
		upstream.close();
	}

	@Test
	void endsTheTurnAtItsDeadlineAndFreesTheConversation() {
		List<ServerSentEvent<String>> events = SseClient.startTurn(app.client(GatewayApp.ACME_KEY), "slow-1", "hi")
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(events).extracting(ServerSentEvent::event)
			.containsExactly("turn.started", "token", "turn.completed");
		JsonNode completed = JSON.readTree(events.get(2).data());
		assertThat(completed.path("reason").asString()).isEqualTo("deadline");
		// The model call was cancelled and the lease released: the next turn is admitted,
		// not a 409.
		List<ServerSentEvent<String>> next = SseClient.startTurn(app.client(GatewayApp.ACME_KEY), "slow-1", "again")
			.collectList()
			.block(Duration.ofSeconds(20));
		assertThat(next.get(next.size() - 1).event()).isEqualTo("turn.completed");
		assertThat(upstream.cancellations()).isGreaterThanOrEqualTo(1);
	}

}
