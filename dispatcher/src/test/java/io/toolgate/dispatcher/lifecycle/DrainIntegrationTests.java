package io.toolgate.dispatcher.lifecycle;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import io.toolgate.dispatcher.ToolgateApplication;
import io.toolgate.dispatcher.support.ScriptedUpstream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
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
 * Drains a real gateway process on a real SIGTERM: the application runs in its own JVM from the test classpath,
 * against a scripted upstream in this JVM whose answers the test releases.
 */
class DrainIntegrationTests {

	private static final String KEY = "acme-drain-key";

	private static final ParameterizedTypeReference<ServerSentEvent<String>> SSE = new ParameterizedTypeReference<>() {
	};

	private final Sinks.Empty<Void> releaseLongTurn = Sinks.empty();

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final List<Disposable> streams = new ArrayList<>();

	private ScriptedUpstream upstream;

	private Process process;

	private Path log;

	@AfterEach
	void stop() throws IOException {
		this.streams.forEach(Disposable::dispose);
		if (this.process != null) {
			this.process.destroyForcibly();
		}
		if (this.upstream != null) {
			this.upstream.close();
		}
		if (this.log != null) {
			Files.deleteIfExists(this.log);
		}
	}

	@Test
	@Timeout(180)
	void drainsOnSigterm() throws Exception {
		this.upstream = ScriptedUpstream.start((request, index) -> script(request));
		int port = freePort();
		this.process = launch(port);
		WebClient client = WebClient.builder()
			.baseUrl("http://127.0.0.1:" + port)
			.defaultHeader("Authorization", "Bearer " + KEY)
			.build();
		awaitUntil(() -> status(port, "/actuator/health/readiness") == 200, "the gateway to become ready");

		// A turn still running when SIGTERM arrives, streamed to its client.
		Recorded longTurn = record(startTurn(client, "long", "#long"));
		awaitUntil(() -> longTurn.has("token"), "the long turn's first token");

		// A turn that outlives the drain, followed by an idle resume stream after its client left.
		Recorded stalled = record(startTurn(client, "stalled", "#stall"));
		awaitUntil(() -> stalled.has("token"), "the stalled turn's first token");
		String stalledTurnId = stalled.dataOf("turn.started").path("turnId").asString();
		long lastSeen = stalled.lastId();
		stalled.subscription().dispose();
		Recorded resumed = record(resume(client, "stalled", stalledTurnId, lastSeen));
		awaitUntil(() -> !resumed.events().isEmpty(), "the resume stream to open");

		assertThat(this.process.supportsNormalTermination()).isTrue();
		this.process.destroy(); // SIGTERM on Linux

		awaitUntil(() -> status(port, "/actuator/health/readiness") == 503, "readiness to go down");
		HttpResponse<String> refused = postTurn(port, "late", "#late");
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Retry-After")).isPresent();
		assertThat(refused.body()).contains("\"error\"").doesNotContain("Exception");
		assertThat(this.process.isAlive()).isTrue();

		this.releaseLongTurn.tryEmitEmpty();
		longTurn.awaitEnd();
		assertThat(longTurn.types()).contains("turn.started", "token").endsWith("turn.completed");

		resumed.awaitEnd();
		ServerSentEvent<String> last = resumed.events().get(resumed.events().size() - 1);
		assertThat(last.comment()).isEqualTo("draining");
		assertThat(last.retry()).isEqualTo(Duration.ofMillis(750));
		assertThat(longTurn.endedBefore(resumed)).isTrue();

		assertThat(this.process.waitFor(60, TimeUnit.SECONDS)).isTrue();
		// A JVM ended by SIGTERM after its shutdown hooks ran exits with 128 + 15.
		assertThat(this.process.exitValue()).isEqualTo(143);
		assertThat(Files.readString(this.log)).contains("Draining: readiness is down")
			.contains("Drain timeout: 1 turns still running")
			.contains("Drain complete");
	}

	private Flux<String> script(JsonNode request) {
		JsonNode messages = request.path("messages");
		String prompt = messages.path(messages.size() - 1).path("content").asString();
		if (prompt.startsWith("#long")) {
			// The rest of the answer waits until the test releases it, after SIGTERM.
			return ScriptedUpstream.text("Working", " on", " it")
				.index()
				.concatMap(indexed -> indexed.getT1() < 2 ? Mono.just(indexed.getT2())
						: this.releaseLongTurn.asMono().thenReturn(indexed.getT2()));
		}
		if (prompt.startsWith("#stall")) {
			return ScriptedUpstream.text("Still").take(2).concatWith(Flux.never());
		}
		return ScriptedUpstream.text("Late");
	}

	private Process launch(int port) throws IOException {
		String java = ProcessHandle.current().info().command().orElseThrow();
		this.log = Files.createTempFile("toolgate-drain", ".log");
		List<String> command = List.of(java, "-cp", System.getProperty("java.class.path"),
				ToolgateApplication.class.getName(), "--server.port=" + port, "--management.server.port=",
				"--toolgate.api-keys=acme:" + KEY, "--toolgate.upstream.base-url=" + this.upstream.baseUrl(),
				"--toolgate.drain.timeout=10s", "--toolgate.drain.client-retry=750ms",
				"--spring.lifecycle.timeout-per-shutdown-phase=20s", "--toolgate.turn.heartbeat-interval=1s");
		return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(this.log.toFile()).start();
	}

	private static Flux<ServerSentEvent<String>> startTurn(WebClient client, String conversation, String content) {
		return client.post()
			.uri("/v1/conversations/{id}/turns", conversation)
			.contentType(MediaType.APPLICATION_JSON)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.bodyValue(Map.of("content", content))
			.retrieve()
			.bodyToFlux(SSE);
	}

	private static Flux<ServerSentEvent<String>> resume(WebClient client, String conversation, String turnId,
			long lastEventId) {
		return client.get()
			.uri("/v1/conversations/{id}/turns/{turnId}/events", conversation, turnId)
			.accept(MediaType.TEXT_EVENT_STREAM)
			.header("Last-Event-ID", Long.toString(lastEventId))
			.retrieve()
			.bodyToFlux(SSE);
	}

	private Recorded record(Flux<ServerSentEvent<String>> stream) {
		Recorded recorded = new Recorded();
		recorded.subscribe(stream);
		this.streams.add(recorded.subscription());
		return recorded;
	}

	private HttpResponse<String> postTurn(int port, String conversation, String content) throws Exception {
		HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl(port) + "/v1/conversations/" + conversation
				+ "/turns"))
			.header("Authorization", "Bearer " + KEY)
			.header("Content-Type", "application/json")
			.timeout(Duration.ofSeconds(10))
			.POST(HttpRequest.BodyPublishers.ofString("{\"content\":\"" + content + "\"}"))
			.build();
		return this.http.send(request, HttpResponse.BodyHandlers.ofString());
	}

	private int status(int port, String path) {
		try {
			HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl(port) + path))
				.timeout(Duration.ofSeconds(5))
				.build();
			return this.http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			return -1;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	private void awaitUntil(BooleanSupplier condition, String what) throws Exception {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
		while (!condition.getAsBoolean()) {
			if (!this.process.isAlive() && !what.contains("exit")) {
				throw new AssertionError("the gateway exited while waiting for " + what + ":\n"
						+ Files.readString(this.log));
			}
			if (System.nanoTime() > deadline) {
				throw new AssertionError("timed out waiting for " + what + ":\n" + Files.readString(this.log));
			}
			Thread.sleep(50);
		}
	}

	private static String baseUrl(int port) {
		return "http://127.0.0.1:" + port;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
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
