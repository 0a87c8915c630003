package io.toolgate.dispatcher.support;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.toolgate.test.Closeables;
import io.toolgate.test.ScriptGate;
import io.toolgate.test.ScriptedUpstream;
import io.toolgate.test.SseClient;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A gateway in this JVM configured to allow one running turn, on a scripted upstream
 * whose first answer holds its end until {@link #release()}: a first turn started with
 * {@link #holdTheSlotNow} keeps the only slot until then.
 */
public final class OneSlotGateway implements AutoCloseable {

	private final ScriptGate gate = new ScriptGate();

	private final ScriptedUpstream upstream;

	private final GatewayApp app;

	private final WebClient acme;

	private OneSlotGateway(Map<String, Object> properties) {
		this.upstream = ScriptedUpstream.start(this.gate.holdingFirstAnswer("held", " answer"));
		Map<String, Object> all = new HashMap<>(properties);
		all.put("toolgate.upstream.base-url", this.upstream.baseUrl());
		this.app = GatewayApp.start(all);
		this.acme = this.app.client(GatewayApp.ACME_KEY);
	}

	/**
	 * Starts the upstream and the gateway.
	 * @param properties the application properties that allow one turn, besides the
	 * upstream's URL
	 * @return the started gateway
	 */
	public static OneSlotGateway start(Map<String, Object> properties) {
		return new OneSlotGateway(properties);
	}

	/** The gateway. */
	public GatewayApp app() {
		return this.app;
	}

	/** A client with tenant acme's key. */
	public WebClient acme() {
		return this.acme;
	}

	/**
	 * Starts turn {@code held-1} for acme and waits for its first token: from then on it
	 * holds the slot, until {@link #release()}.
	 * @param timeout the longest wait
	 */
	public void holdTheSlotNow(Duration timeout) {
		SseClient.first(SseClient.startTurn(this.acme, "held-1", "hold the slot"), "token").block(timeout);
	}

	/** Lets the held answer end, which frees the slot. */
	public void release() {
		this.gate.open();
	}

	/** Releases the held answer, then stops the gateway and the upstream. */
	@Override
	public void close() {
		release();
		Closeables.closeAll(this.app, this.upstream);
	}

}
