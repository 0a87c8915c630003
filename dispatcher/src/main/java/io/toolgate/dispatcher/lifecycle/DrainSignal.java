package io.toolgate.dispatcher.lifecycle;

import java.time.Duration;

import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Tells long-lived event streams that this replica is going away. Streams apply
 * {@link #endOnDrain(Flux)}: once {@link #endStreams()} is called they send a last
 * comment carrying a {@code retry:} hint and complete, so the client reconnects, with
 * {@code Last-Event-ID}, to a replica that stays. Streams opened after the signal end at
 * once.
 */
public final class DrainSignal {

	private final Sinks.Empty<Void> streamsEnd = Sinks.empty();

	private final Duration clientRetry;

	private volatile boolean ended;

	/**
	 * Creates a signal.
	 * @param clientRetry the {@code retry:} hint of the last event of an ended stream
	 */
	public DrainSignal(Duration clientRetry) {
		this.clientRetry = clientRetry;
	}

	/**
	 * Ends {@code stream} when the drain asks streams to end, with a last event carrying
	 * the {@code retry:} hint; a stream that completes by itself is left as it is.
	 * @param stream the events of one response
	 * @param <T> the event data type
	 * @return the stream, bounded by the drain
	 */
	public <T> Flux<ServerSentEvent<T>> endOnDrain(Flux<ServerSentEvent<T>> stream) {
		return stream.takeUntilOther(this.streamsEnd.asMono())
			.concatWith(Mono.defer(() -> this.ended ? Mono.just(farewell()) : Mono.empty()));
	}

	/** Whether open streams have been asked to end. */
	public boolean streamsEnded() {
		return this.ended;
	}

	/** Asks every open and future stream to end. Idempotent. */
	void endStreams() {
		this.ended = true;
		this.streamsEnd.tryEmitEmpty();
	}

	private <T> ServerSentEvent<T> farewell() {
		return ServerSentEvent.<T>builder().comment("draining").retry(this.clientRetry).build();
	}

}
