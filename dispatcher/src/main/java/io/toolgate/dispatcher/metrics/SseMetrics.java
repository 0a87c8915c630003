package io.toolgate.dispatcher.metrics;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.ToIntFunction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.http.codec.ServerSentEvent;
import reactor.core.publisher.Flux;
import reactor.core.publisher.SignalType;

/**
 * Server-Sent Events metrics, each labelled with {@code api} ({@value #CONVERSATIONS} or
 * {@value #CHAT_COMPLETIONS}):
 * <ul>
 * <li>{@code toolgate.sse.streams.open} (gauge): streams open now;</li>
 * <li>{@code toolgate.sse.events} (counter): data events sent (comments and heartbeats
 * excluded);</li>
 * <li>{@code toolgate.sse.resumes} (counter): streams opened with
 * {@code Last-Event-ID};</li>
 * <li>{@code toolgate.sse.disconnects} (counter): streams the client left before their
 * end.</li>
 * </ul>
 */
public final class SseMetrics {

	/** The native conversation API. */
	public static final String CONVERSATIONS = "conversations";

	/** The OpenAI-compatible chat completions API. */
	public static final String CHAT_COMPLETIONS = "chat_completions";

	private final MeterRegistry registry;

	private final AtomicInteger openConversations = new AtomicInteger();

	private final AtomicInteger openChatCompletions = new AtomicInteger();

	private final Counter conversationEvents;

	private final Counter chatCompletionEvents;

	private final Counter conversationDisconnects;

	private final Counter chatCompletionDisconnects;

	SseMetrics(MeterRegistry registry) {
		this.registry = registry;
		this.conversationEvents = counter("toolgate.sse.events", "Server-Sent data events sent", CONVERSATIONS);
		this.chatCompletionEvents = counter("toolgate.sse.events", "Server-Sent data events sent", CHAT_COMPLETIONS);
		this.conversationDisconnects = counter("toolgate.sse.disconnects", "Streams the client left before their end",
				CONVERSATIONS);
		this.chatCompletionDisconnects = counter("toolgate.sse.disconnects", "Streams the client left before their end",
				CHAT_COMPLETIONS);
		gauge(CONVERSATIONS, this.openConversations);
		gauge(CHAT_COMPLETIONS, this.openChatCompletions);
		for (String api : new String[] { CONVERSATIONS, CHAT_COMPLETIONS }) {
			// Registered up front so that rates are defined (zero) before the first
			// event.
			counter("toolgate.sse.events", "Server-Sent data events sent", api);
			counter("toolgate.sse.resumes", "Streams resumed with Last-Event-ID", api);
			counter("toolgate.sse.disconnects", "Streams the client left before their end", api);
		}
	}

	/**
	 * Instruments one SSE response stream.
	 * @param <T> the event data type
	 * @param api {@value #CONVERSATIONS} or {@value #CHAT_COMPLETIONS}
	 * @param resumed whether the client resumes after a {@code Last-Event-ID}
	 * @param stream the stream
	 * @return the same events
	 */
	public <T> Flux<ServerSentEvent<T>> stream(String api, boolean resumed, Flux<ServerSentEvent<T>> stream) {
		AtomicInteger open = CONVERSATIONS.equals(api) ? this.openConversations : this.openChatCompletions;
		Counter events = counter("toolgate.sse.events", "Server-Sent data events sent", api);
		return Flux.defer(() -> {
			open.incrementAndGet();
			if (resumed) {
				counter("toolgate.sse.resumes", "Streams resumed with Last-Event-ID", api).increment();
			}
			return stream.doOnNext(event -> {
				if (event.data() != null) {
					events.increment();
				}
			}).doFinally(signal -> {
				open.decrementAndGet();
				if (signal == SignalType.CANCEL) {
					counter("toolgate.sse.disconnects", "Streams the client left before their end", api).increment();
				}
			});
		});
	}

	/**
	 * Instruments one SSE response written as raw frames, each one data event.
	 * @param <T> the frame type
	 * @param api {@value #CONVERSATIONS} or {@value #CHAT_COMPLETIONS}
	 * @param frames the frames
	 * @return the same frames
	 */
	public <T> Flux<T> frames(String api, Flux<T> frames) {
		return frames(api, frames, frame -> 1);
	}

	/**
	 * Instruments one SSE response whose elements each hold some data events (a group
	 * written in one write); heartbeats merged in later are not counted.
	 * @param <T> the element type
	 * @param api {@value #CONVERSATIONS} or {@value #CHAT_COMPLETIONS}
	 * @param frames the elements
	 * @param eventCount how many data events an element holds
	 * @return the same elements
	 */
	public <T> Flux<T> frames(String api, Flux<T> frames, ToIntFunction<? super T> eventCount) {
		boolean conversations = CONVERSATIONS.equals(api);
		AtomicInteger open = conversations ? this.openConversations : this.openChatCompletions;
		// Looked up once, not registered again per stream.
		Counter events = conversations ? this.conversationEvents : this.chatCompletionEvents;
		Counter disconnects = conversations ? this.conversationDisconnects : this.chatCompletionDisconnects;
		return Flux.defer(() -> {
			open.incrementAndGet();
			return frames.doOnNext(frame -> events.increment(eventCount.applyAsInt(frame))).doFinally(signal -> {
				open.decrementAndGet();
				if (signal == SignalType.CANCEL) {
					disconnects.increment();
				}
			});
		});
	}

	private void gauge(String api, AtomicInteger value) {
		Gauge.builder("toolgate.sse.streams.open", value, AtomicInteger::get)
			.description("Server-Sent Event streams open now")
			.tag("api", api)
			.register(this.registry);
	}

	private Counter counter(String name, String description, String api) {
		return Counter.builder(name).description(description).tag("api", api).register(this.registry);
	}

}
