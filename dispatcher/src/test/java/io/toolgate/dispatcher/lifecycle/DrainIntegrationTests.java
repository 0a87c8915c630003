package io.toolgate.dispatcher.lifecycle;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.toolgate.dispatcher.support.GatewayProcess;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drains a real gateway process on a real SIGTERM: the application runs in its own JVM
 * from the test classpath, against a scripted upstream in this JVM whose answers the test
 * releases.
 */
class DrainIntegrationTests {

	private static final String KEY = "acme-drain-key";

	private final Sinks.Empty<Void> releaseLongTurn = Sinks.empty();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Disposable> streams = new ArrayList<>();

	private ScriptedUpstream upstream;

	private GatewayProcess process;

	@AfterEach
	void stop() throws IOException {
		this.streams.forEach(Disposable::dispose);
		if (this.process != null) {
			this.process.close();
		}
		if (this.upstream != null) {
			this.upstream.close();
		}
	}

	@Test
	@Timeout(180)
	void drainsOnSigterm() throws Exception {
		this.upstream = ScriptedUpstream.start((request, index) -> script(request));
		this.process = GatewayProcess.start(Map.of("toolgate.api-keys", "acme:" + KEY, "toolgate.upstream.base-url",
				this.upstream.baseUrl(), "toolgate.drain.timeout", "10s", "toolgate.drain.client-retry", "750ms",
				"spring.lifecycle.timeout-per-shutdown-phase", "20s", "toolgate.turn.heartbeat-interval", "1s",
				"toolgate.turn.takeover", "false"), Duration.ofSeconds(90));
		WebClient client = this.process.client(KEY);

		// A turn still running when SIGTERM arrives, streamed to its client.
		Recorded longTurn = record(SseClient.openTurn(client, "long", "#long"));
		awaitUntil(() -> longTurn.has("token"), "the long turn's first token");

		// A turn that outlives the drain, followed by an idle resume stream after its
		// client left.
		Recorded stalled = record(SseClient.openTurn(client, "stalled", "#stall"));
		awaitUntil(() -> stalled.has("token"), "the stalled turn's first token");
		String stalledTurnId = stalled.dataOf("turn.started").path("turnId").asString();
		long lastSeen = stalled.lastId();
		stalled.subscription().dispose();
		Recorded resumed = record(SseClient.openResume(client, "stalled", stalledTurnId, lastSeen));
		awaitUntil(() -> !resumed.events().isEmpty(), "the resume stream to open");

		this.process.signalTerminate();

		awaitUntil(() -> this.process.managementStatus("/actuator/health/readiness") == 503, "readiness to go down");
		HttpResponse<String> refused = postTurn("late", "#late");
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(refused.body()).contains("\"error\"").doesNotContain("Exception");
		assertThat(this.process.isAlive()).isTrue();

		this.releaseLongTurn.tryEmitEmpty();
		longTurn.awaitEnd();
		assertThat(longTurn.types()).contains("turn.started", "token").endsWith("turn.completed");

		// The turn that outlived the drain ends with a terminal event naming the
		// shutdown, not the cut upstream.
		resumed.awaitEnd();
		assertThat(resumed.types()).endsWith("turn.error");
		assertThat(resumed.dataOf("turn.error").path("code").asString()).isEqualTo("turn_abandoned");
		assertThat(longTurn.endedBefore(resumed)).isTrue();

		// A JVM ended by SIGTERM after its shutdown hooks ran exits with 128 + 15.
		assertThat(this.process.awaitExit(Duration.ofSeconds(60))).isEqualTo(143);
		assertThat(this.process.log()).contains("Draining: readiness is down")
			.contains("Drain timeout: 1 turns still running")
			.contains("they end now as turn_abandoned")
			.contains("Drain complete")
			.doesNotContain("upstream_stream_cut");
	}

	private Flux<String> script(JsonNode request) {
		String prompt = ChatScripts.lastMessage(request).path("content").asString();
		if (prompt.startsWith("#long")) {
			// The rest of the answer waits until the test releases it, after SIGTERM.
			return ChatScripts.text("Working", " on", " it")
				.index()
				.concatMap(indexed -> indexed.getT1() < 2 ? Mono.just(indexed.getT2())
						: this.releaseLongTurn.asMono().thenReturn(indexed.getT2()));
		}
		if (prompt.startsWith("#stall")) {
			return ChatScripts.text("Still").take(2).concatWith(Flux.never());
		}
		return ChatScripts.text("Late");
	}

	private Recorded record(Flux<ServerSentEvent<String>> stream) {
		Recorded recorded = new Recorded();
		recorded.subscribe(stream);
		this.streams.add(recorded.subscription());
		return recorded;
	}

	private HttpResponse<String> postTurn(String conversation, String content) throws Exception {
		HttpRequest request = HttpRequest
			.newBuilder(URI.create(this.process.baseUrl() + "/v1/conversations/" + conversation + "/turns"))
			.header("Authorization", "Bearer " + KEY)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"" + content + "\"}"))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private void awaitUntil(BooleanSupplier condition, String what) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!condition.getAsBoolean()) {
			if (!this.process.isAlive() && !what.contains("exit")) {
				throw new AssertionError("the gateway exited while waiting for " + what + ":\n" + this.process.log());
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("timed out waiting for " + what + ":\n" + this.process.log());
			}
			Thread.sleep(50);
		}
	}

	/** Every event of one SSE response (comments included), and how and when it ended. */
	private static final class Recorded {

		private static final AtomicLong ENDINGS = new AtomicLong();

		private static final JsonMapper JSON = JsonMapper.builder().build();

		private final List<ServerSentEvent<String>> events = new CopyOnWriteArrayList<>();

		private final CompletableFuture<Long> ended = new CompletableFuture<>();

		private Disposable subscription = () -> {
		};

		void subscribe(Flux<ServerSentEvent<String>> stream) {
			this.subscription = stream.subscribe(this.events::add, this.ended::completeExceptionally,
					() -> this.ended.complete(ENDINGS.incrementAndGet()));
		}

		Disposable subscription() {
			return this.subscription;
		}

		List<ServerSentEvent<String>> events() {
			return this.events;
		}

		List<String> types() {
			return this.events.stream().filter(event -> event.data() != null).map(ServerSentEvent::event).toList();
		}

		boolean has(String type) {
			return types().contains(type);
		}

		JsonNode dataOf(String type) {
			return this.events.stream()
				.filter(event -> type.equals(event.event()))
				.map(event -> JSON.readTree(event.data()))
				.findFirst()
				.orElseThrow();
		}

		long lastId() {
			return this.events.stream()
				.filter(event -> event.id() != null)
				.mapToLong(event -> Long.parseLong(event.id()))
				.max()
				.orElseThrow();
		}

		void awaitEnd() throws Exception {
			this.ended.get(60, TimeUnit.SECONDS);
		}

		boolean endedBefore(Recorded other) {
			return this.ended.join() < other.ended.join();
		}

	}

}
