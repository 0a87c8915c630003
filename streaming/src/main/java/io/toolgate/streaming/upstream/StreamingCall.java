package io.toolgate.streaming.upstream;

import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.toolgate.streaming.openai.ChatCompletionRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.MediaType;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The streaming call of an {@link OpenAiModelClient}: posts with {@code stream: true},
 * parses the SSE body as it arrives, turns each frame into at most one {@link ModelEvent}
 * through a {@link StreamState}, and watches the gaps between frames (the first-token and
 * idle timeouts). This is the per-token path, tuned as bench/README.md measured it: per
 * frame, four operators ({@code doOnNext}, {@code takeUntilOther}, {@code filter},
 * {@code map}) and no allocation beyond the parser's, the chunk's and the event.
 * Thread-safe; each subscription has its own state.
 */
final class StreamingCall {

	// Logged under the client's name, the category operators know.
	private static final Logger logger = LoggerFactory.getLogger(OpenAiModelClient.class);

	private final OpenAiClientSettings settings;

	private final ChatCompletionsEndpoint endpoint;

	private final UpstreamErrors errors;

	private final SseParser parser;

	private final ChunkReader chunks;

	StreamingCall(OpenAiClientSettings settings, JsonMapper jsonMapper, ChatCompletionsEndpoint endpoint,
			UpstreamErrors errors) {
		this.settings = settings;
		this.endpoint = endpoint;
		this.errors = errors;
		this.parser = new SseParser(settings.maxEventBytes());
		this.chunks = new ChunkReader(jsonMapper);
	}

	/** See {@link OpenAiModelClient#stream}. */
	Flux<ModelEvent> stream(ChatCompletionRequest request) {
		return Flux.deferContextual((context) -> {
			StreamState state = new StreamState(this.chunks, this.errors, request.model());
			return this.endpoint.post(request, true, MediaType.TEXT_EVENT_STREAM, context)
				.bodyToFlux(DataBuffer.class)
				.transform(this.parser::parse)
				.doOnNext(state::frameSeen)
				.takeUntilOther(watchdog(state, earliestCheck()))
				// filter and map rather than handle (or mapNotNull, built on it): with
				// context-propagation on the
				// class path, handle restores the context's thread locals (the request's
				// observation and trace
				// scope) around every frame; with the scopes it opened, that was several
				// percent of a streamed
				// call's CPU (bench/README.md).
				.filter(state::accept)
				.map(state::takeEvent)
				.concatWith(Mono.defer(state::finish))
				.onErrorResume((error) -> afterStreamError(state, error));
		});
	}

	/**
	 * Errors with a {@link TimeoutException} once the stream has sent nothing for the
	 * first-token timeout, or, after its first frame, nothing for the idle timeout; never
	 * completes otherwise. One timer per check, not one per frame: when it fires early
	 * (frames kept arriving), it re-arms for the remaining time.
	 */
	private Mono<SseFrame> watchdog(StreamState state, Duration after) {
		return Mono.delay(after).flatMap((tick) -> {
			long deadline = state.lastFrameNanos()
					+ (state.framesSeen() ? this.settings.idleTimeout() : this.settings.firstTokenTimeout()).toNanos();
			long remaining = deadline - StreamState.now();
			if (remaining <= 0) {
				return Mono.error(new TimeoutException());
			}
			return watchdog(state, Duration.ofNanos(remaining));
		});
	}

	private Duration earliestCheck() {
		Duration first = this.settings.firstTokenTimeout();
		Duration idle = this.settings.idleTimeout();
		return (first.compareTo(idle) < 0) ? first : idle;
	}

	private Mono<ModelEvent> afterStreamError(StreamState state, Throwable error) {
		if (state.done()) {
			// The message is complete once [DONE] arrived; a late timeout or connection
			// error changes nothing.
			logger.debug("Ignoring upstream error after [DONE]: {}", error.toString());
			return Mono.empty();
		}
		return Mono.error(this.errors.ofStream(error, state.framesSeen()));
	}

}
