package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.EventDraft;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Streaming chat completions a client can resume: each SSE payload of a completion gets
 * the next id, goes to the readers on this replica at once and to the completion's event
 * log in batches, so that a client whose connection dropped reads on after its
 * {@code Last-Event-ID}, on any replica, with no gap and no duplicate. A completion runs
 * detached from its client, to its end (bounded by the turn deadline): a dropped
 * connection does not cancel it.
 * <p>
 * The logs live under the conversation {@value #CONVERSATION} of the tenant, with the
 * completion's id as turn id; no conversation id a client can use holds a {@code ~}, so
 * they never meet a conversation's turns.
 */
public class CompletionStreams {

	private static final Logger logger = LoggerFactory.getLogger(CompletionStreams.class);

	/** The conversation id under which completions' event logs are kept. */
	public static final String CONVERSATION = "~chat.completions";

	/** The event type of a stored payload. */
	static final String CHUNK = "chunk";

	/** Most payloads written to the event log in one write. */
	private static final int APPEND_BATCH_SIZE = 64;

	private final TurnEventLog eventLog;

	private final Duration logTtl;

	private final Duration flushInterval;

	private final Duration quietTimeout;

	/**
	 * The payloads of the completions running on this replica, for the readers on this
	 * replica.
	 */
	private final Map<TurnKey, Sinks.Many<StoredEvent>> running = new ConcurrentHashMap<>();

	/**
	 * Creates the streams.
	 * @param eventLog where payloads are kept for resuming
	 * @param settings the log's time to live and flush interval, and the turn deadline,
	 * the longest a reader following a completion running on another replica waits for
	 * its next payload
	 * @param shared whether the log is shared by replicas (then payloads are written as
	 * they come, batched within the flush interval); a log held in this process is
	 * written once, when the completion ends
	 */
	public CompletionStreams(TurnEventLog eventLog, TurnSettings settings, boolean shared) {
		this.eventLog = eventLog;
		this.logTtl = settings.eventLogTtl();
		this.flushInterval = shared ? settings.eventLogFlushInterval() : Duration.ZERO;
		this.quietTimeout = settings.deadline();
	}

	/**
	 * Returns the key of a completion's event log.
	 * @param tenant the tenant
	 * @param completionId the completion's id, the chunks' {@code id}
	 * @return the key
	 */
	public static TurnKey key(String tenant, String completionId) {
		return new TurnKey(new ConversationKey(tenant, CONVERSATION), completionId);
	}

	/**
	 * Creates the completion's log, then subscribes its payloads, detached from the
	 * caller: from here on the completion runs to its end however its readers come and
	 * go. The payloads flux must end with a terminal payload and never error; it is
	 * subscribed with the caller's context, so its spans stay children of the request's.
	 * @param key the completion
	 * @param payloads the SSE data payloads, in order
	 * @return the completion's payloads with their ids from the first, for its client,
	 * once the log exists; errors with the store's failure, and then nothing was
	 * subscribed
	 */
	public Mono<Flux<StoredEvent>> start(TurnKey key, Flux<Payload> payloads) {
		return this.eventLog.create(key, this.logTtl).then(Mono.deferContextual(context -> {
			Sinks.Many<StoredEvent> feed = Sinks.many().replay().all();
			this.running.put(key, feed);
			record(key, feed.asFlux());
			long[] ids = { 0 };
			// The one place a completion is subscribed, detached from its client. The
			// turn ends by its deadline; the timeout bounds a run that stops emitting
			// anyway, and its error reaches the readers as the feed's.
			payloads.map(payload -> new StoredEvent(++ids[0], CHUNK, payload.data(), payload.terminal()))
				.timeout(this.quietTimeout)
				.doFinally(signal -> this.running.remove(key, feed))
				.contextWrite(context)
				.subscribe(feed::tryEmitNext, feed::tryEmitError, feed::tryEmitComplete);
			return Mono.just(feed.asFlux());
		}));
	}

	/**
	 * Writes the payloads to the log. To a shared log as they come, those arriving within
	 * the flush interval (or while a write is in flight) in one write, for readers on
	 * other replicas; to a log in this process all at once when the completion ends:
	 * until then its readers read the running completion's feed, and a reader arriving
	 * between the feed's end and the write reads the log live. The first failed write
	 * ends the recording, so that the log never holds payloads under ids other than the
	 * ones their readers got; the completion's client is not affected.
	 */
	private void record(TurnKey key, Flux<StoredEvent> events) {
		Flux<EventDraft> drafts = events.map(event -> new EventDraft(event.type(), event.data(), event.terminal()));
		Flux<List<EventDraft>> batches = this.flushInterval.isZero() ? drafts.collectList().flux()
				: drafts.bufferTimeout(APPEND_BATCH_SIZE, this.flushInterval, true);
		// Fire-and-forget: nothing waits for the log. Every batch follows a payload
		// within the turn deadline, so a recording silent for twice that is stuck.
		batches.concatMap(batch -> this.eventLog.appendAll(key, batch), 1)
			.timeout(this.quietTimeout.multipliedBy(2))
			.subscribe(stored -> {
			}, ex -> logger.warn("Completion {} could not record its stream; it cannot be resumed past the failure: {}",
					key.turnId(), ex.toString()));
	}

	/**
	 * Reads a completion's payloads after an id: from this replica's feed while it runs
	 * here, else from its log, following it live. A completion that goes quiet for longer
	 * than the turn deadline (its replica stopped) errors the reader with a
	 * {@link java.util.concurrent.TimeoutException}.
	 * @param key the completion
	 * @param afterId the last id the reader has seen
	 * @return the payloads, completing after the terminal one
	 */
	public Flux<StoredEvent> events(TurnKey key, long afterId) {
		Sinks.Many<StoredEvent> feed = this.running.get(key);
		if (feed != null) {
			return feed.asFlux().filter(event -> event.id() > afterId);
		}
		return this.eventLog.read(key, afterId).timeout(this.quietTimeout);
	}

	/**
	 * Tells whether a completion's log exists.
	 * @param key the completion
	 * @return whether it exists
	 */
	public Mono<Boolean> exists(TurnKey key) {
		return this.running.containsKey(key) ? Mono.just(true) : this.eventLog.exists(key);
	}

	/**
	 * One SSE data payload of a completion.
	 *
	 * @param data the payload, one line
	 * @param terminal whether it is the completion's last
	 */
	public record Payload(String data, boolean terminal) {
	}

}
