package io.toolgate.test;

import java.util.concurrent.atomic.AtomicReference;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * A gate a scripted answer waits at: {@link #hold} lets the first payloads of an answer
 * through and the rest only once a test calls {@link #open()}. {@link #reset()} closes a
 * new gate for the next test; answers already waiting keep waiting for the old one.
 * Thread-safe.
 */
public final class ScriptGate {

	private final AtomicReference<Sinks.Empty<Void>> gate = new AtomicReference<>(Sinks.empty());

	/**
	 * Returns the payloads, the first {@code passing} at once and the rest after the gate
	 * of this moment opens.
	 * @param payloads the whole answer; subscribed twice, so it must be cold
	 * @param passing how many payloads pass before the gate
	 * @return the held answer
	 */
	public Flux<String> hold(Flux<String> payloads, int passing) {
		return Flux.concat(payloads.take(passing), this.gate.get().asMono().thenMany(payloads.skip(passing)));
	}

	/**
	 * A script that answers every call with these text tokens, the first call held at the
	 * gate after its first two payloads (the role chunk and the first token).
	 * @param tokens the text of each answer
	 * @return the script
	 */
	public ScriptedUpstream.Script holdingFirstAnswer(String... tokens) {
		return (request, index) -> {
			Flux<String> all = ChatScripts.text(tokens);
			return (index == 0) ? hold(all, 2) : all;
		};
	}

	/** Opens the gate: every answer waiting at it goes on. */
	public void open() {
		this.gate.get().tryEmitEmpty();
	}

	/** Replaces the gate with a closed one. */
	public void reset() {
		this.gate.set(Sinks.empty());
	}

}
