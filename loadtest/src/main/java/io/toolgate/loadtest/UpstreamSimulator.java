package io.toolgate.loadtest;

import io.toolgate.loadtest.upstream.SimulatedUpstreamServer;

/**
 * The simulated OpenAI-compatible upstream as a load-test process: a
 * {@link SimulatedUpstreamServer}, answered by the streaming module's simulated model,
 * the same one the gateway embeds.
 * <p>
 * Options: {@code --port=} (default 8081), {@code --host=}, {@code --ttft-ms=} (time to
 * first token), {@code --inter-token-ms=}, {@code --reply-words=} (reply length; 0 keeps
 * the natural reply), {@code --tool-calls=} (parallel tool calls when tools are offered;
 * 0 makes as many as the prompt asks for), {@code --error-rate=} and {@code --cut-rate=}
 * (0 to 1), {@code --seed=} and {@code --key=} (required bearer key). Pacing runs on
 * Reactor's timers and replies are precomputed per request, so one core serves thousands
 * of streams.
 */
public final class UpstreamSimulator {

	private UpstreamSimulator() {
	}

	/**
	 * Runs the simulator until the JVM stops.
	 * @param args the options
	 */
	public static void main(String[] args) {
		SimulatedUpstreamServer.main(args);
	}

}
