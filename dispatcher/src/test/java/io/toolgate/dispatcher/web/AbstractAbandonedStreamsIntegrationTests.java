package io.toolgate.dispatcher.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

import io.micrometer.core.instrument.MeterRegistry;
import io.toolgate.dispatcher.admission.AdmissionController;
import io.toolgate.dispatcher.support.GatewayApp;
import io.toolgate.test.ChatScripts;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.http.codec.ServerSentEvent;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that open streams and vanish at any byte — right after the request, after part
 * of the response, with a clean close or a reset — leave nothing held: the admission
 * permits, the running-turn and open-stream gauges all return to zero, and every
 * conversation takes its next turn. Subclasses choose the store.
 */
@Timeout(180)
abstract class AbstractAbandonedStreamsIntegrationTests {

	private static final int STREAMS = 300;

	private static final Duration SETTLE = Duration.ofSeconds(30);

	static ScriptedUpstream upstream;

	static GatewayApp app;

	/** A paced answer, so that clients leave while tokens are still coming. */
	static ScriptedUpstream pacedUpstream() {
		return ScriptedUpstream.start((request, index) -> ChatScripts
			.text("one ", "two ", "three ", "four ", "five ", "six ", "seven ", "eight")
			.delayElements(Duration.ofMillis(3)));
	}

	static GatewayApp gateway(Map<String, Object> properties) {
		return GatewayApp.start(properties);
	}

	@AfterAll
	static void stopGateway() {
		if (app != null) {
			app.close();
			app = null;
		}
		if (upstream != null) {
			upstream.close();
			upstream = null;
		}
	}

	@Test
	void releasesEveryPermitAndGaugeWhenClientsVanishAtAnyByte() throws Exception {
		Random random = new Random(42);
		for (int i = 0; i < STREAMS; i++) {
			String request = switch (i % 3) {
				case 0 -> chat("{\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
				case 1 -> chat("{\"stream\":true,\"conversation_id\":\"chat-" + i
						+ "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
				default -> post("/v1/conversations/native-" + i + "/turns", "{\"content\":\"hi\"}");
			};
			// Half leave right after sending, the rest after a random part of the
			// response; half reset.
			int readBytes = random.nextBoolean() ? 0 : 1 + random.nextInt(900);
			abandon(request, readBytes, random.nextBoolean());
		}
		awaitSettled();
		for (int i = 1; i < STREAMS; i += 3) {
			assertNextTurnAccepted("chat-" + i);
		}
		assertNextTurnAccepted("native-2");
	}

	private void awaitSettled() throws InterruptedException {
		AdmissionController admission = app.context().getBean(AdmissionController.class);
		MeterRegistry meters = app.context().getBean(MeterRegistry.class);
		long deadline = System.nanoTime() + SETTLE.toNanos();
		while (System.nanoTime() < deadline && !settled(admission, meters)) {
			Thread.sleep(50);
		}
		assertThat(admission.running()).as("admission permits held").isZero();
		assertThat(gauge(meters, "toolgate.turns.running", null)).as("turn loops running").isZero();
		assertThat(gauge(meters, "toolgate.sse.streams.open", "chat_completions")).as("chat streams open").isZero();
		assertThat(gauge(meters, "toolgate.sse.streams.open", "conversations")).as("native streams open").isZero();
	}

	private static boolean settled(AdmissionController admission, MeterRegistry meters) {
		return admission.running() == 0 && gauge(meters, "toolgate.turns.running", null) == 0
				&& gauge(meters, "toolgate.sse.streams.open", "chat_completions") == 0
				&& gauge(meters, "toolgate.sse.streams.open", "conversations") == 0;
	}

	private static double gauge(MeterRegistry meters, String name, String api) {
		var search = meters.get(name);
		if (api != null) {
			search = search.tag("api", api);
		}
		return search.gauge().value();
	}

	private static void assertNextTurnAccepted(String conversationId) {
		var events = SseClient.startTurn(app.client(GatewayApp.ACME_KEY), conversationId, "again")
			.collectList()
			.block(Duration.ofSeconds(30));
		assertThat(events).isNotEmpty();
		ServerSentEvent<String> last = events.get(events.size() - 1);
		assertThat(last.event()).as("last event of " + conversationId).isEqualTo("turn.completed");
	}

	private static String chat(String body) {
		return post("/v1/chat/completions", body);
	}

	private static String post(String path, String body) {
		return "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + GatewayApp.ACME_KEY
				+ "\r\nContent-Type: application/json\r\nContent-Length: "
				+ body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
	}

	/**
	 * Sends a request, reads up to {@code readBytes} of the answer, then closes, with a
	 * reset if asked.
	 */
	private static void abandon(String request, int readBytes, boolean reset) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", app.port())) {
			// A short answer can end before readBytes; the connection then stays open for
			// the next request.
			socket.setSoTimeout(1000);
			if (reset) {
				socket.setSoLinger(true, 0);
			}
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.UTF_8));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[256];
			int read = 0;
			try {
				while (read < readBytes) {
					int n = in.read(buffer, 0, Math.min(buffer.length, readBytes - read));
					if (n < 0) {
						break;
					}
					read += n;
				}
			}
			catch (SocketTimeoutException ex) {
				// The whole answer was shorter than readBytes: the client leaves after
				// it.
			}
		}
	}

}
