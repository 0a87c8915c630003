package io.toolgate.streaming.upstream;

import java.util.concurrent.TimeUnit;

import io.toolgate.streaming.openai.ChatCompletionChunk;
import io.toolgate.streaming.openai.Usage;
import io.toolgate.streaming.upstream.UpstreamException.Kind;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.core.JacksonException;

/**
 * The state of one stream: turns its SSE frames into {@link ModelEvent}s, keeping the
 * assembler, the usage and the model seen so far and whether {@code [DONE]} arrived, and
 * records when the last frame arrived for the {@link StreamingCall} watchdog. One
 * instance per subscription. Frames come one at a time in order; what the watchdog's
 * timer and the error path read from other threads is volatile.
 */
final class StreamState {

	private static final String DONE = "[DONE]";

	private final ChunkReader chunks;

	private final UpstreamErrors errors;

	private final ToolCallAssembler assembler = new ToolCallAssembler();

	private String model;

	private Usage usage = Usage.ZERO;

	private volatile boolean framesSeen;

	/** When the last frame arrived, or the stream started ({@link #now()}'s clock). */
	private volatile long lastFrameNanos;

	private volatile boolean done;

	/**
	 * The event of the frame {@link #accept} let through, until {@link #takeEvent} hands
	 * it on.
	 */
	private @Nullable ModelEvent pending;

	/**
	 * Creates the state of a stream starting now.
	 * @param chunks reads chunk JSON
	 * @param errors maps an error event
	 * @param requestedModel the model reported until a chunk names one
	 */
	StreamState(ChunkReader chunks, UpstreamErrors errors, @Nullable String requestedModel) {
		this.chunks = chunks;
		this.errors = errors;
		this.model = (requestedModel != null) ? requestedModel : "";
		this.lastFrameNanos = now();
	}

	/** The clock of the frame times: the one the watchdog's timers run on. */
	static long now() {
		return Schedulers.parallel().now(TimeUnit.NANOSECONDS);
	}

	void frameSeen(SseFrame frame) {
		this.lastFrameNanos = now();
		this.framesSeen = true;
	}

	/** Whether any frame arrived. */
	boolean framesSeen() {
		return this.framesSeen;
	}

	/** When the last frame arrived, or the stream started, on {@link #now()}'s clock. */
	long lastFrameNanos() {
		return this.lastFrameNanos;
	}

	/**
	 * Whether the message is complete: {@code [DONE]} arrived, or the body ended after a
	 * finish reason.
	 */
	boolean done() {
		return this.done;
	}

	/**
	 * Reads a frame; true when it made an event, which {@link #takeEvent} then returns.
	 */
	boolean accept(SseFrame frame) {
		this.pending = onFrame(frame);
		return this.pending != null;
	}

	/** The event the last accepted frame made. */
	ModelEvent takeEvent(SseFrame frame) {
		ModelEvent event = this.pending;
		this.pending = null;
		return event;
	}

	/**
	 * Ends the stream when its body ended: nothing more after {@code [DONE]}; the
	 * {@link ModelEvent.Completed} when a finish reason was seen (some compatible servers
	 * omit {@code [DONE]}); else a {@link Kind#STREAM_CUT}.
	 */
	Mono<ModelEvent> finish() {
		if (this.done) {
			return Mono.empty();
		}
		String finishReason = this.assembler.finishReason();
		if (finishReason == null) {
			return Mono.error(new UpstreamException(Kind.STREAM_CUT, 0,
					"upstream stream ended before [DONE] and without a finish reason", null));
		}
		// A finish reason means the message is whole; some compatible servers omit
		// [DONE].
		this.done = true;
		return Mono.just(completed(finishReason));
	}

	/** The event a frame makes, or null for a frame that makes none. */
	private @Nullable ModelEvent onFrame(SseFrame frame) {
		if (this.done) {
			return null;
		}
		String data = frame.data();
		if (data.isBlank()) {
			return null;
		}
		if (DONE.equals(data.strip())) {
			this.done = true;
			return completed(this.assembler.effectiveFinishReason());
		}
		ChatCompletionChunk chunk = decode(data);
		if (chunk.model() != null && !chunk.model().isEmpty()) {
			this.model = chunk.model();
		}
		if (chunk.usage() != null) {
			this.usage = chunk.usage();
		}
		String text = this.assembler.accept(chunk);
		return (text != null) ? new ModelEvent.Token(text) : null;
	}

	private ModelEvent completed(String finishReason) {
		return new ModelEvent.Completed(this.assembler.message(), finishReason, this.usage, this.model);
	}

	private ChatCompletionChunk decode(String data) {
		ChatCompletionChunk chunk;
		try {
			chunk = this.chunks.read(data);
		}
		catch (JacksonException ex) {
			throw new UpstreamException(Kind.MALFORMED, 0, "upstream sent an undecodable chunk", ex);
		}
		if (chunk.choices() == null && chunk.usage() == null) {
			throw this.errors.chunkWithoutChoices(data);
		}
		return chunk;
	}

}
