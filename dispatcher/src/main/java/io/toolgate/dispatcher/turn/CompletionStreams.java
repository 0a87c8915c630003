package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;

import io.toolgate.store.ConversationKey;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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

	/** The conversation id under which completions' event logs are kept. */
	public static final String CONVERSATION = "~chat.completions";

	/** The event type of a stored payload. */
	static final String CHUNK = "chunk";

	private final TurnEventLog eventLog;

	private final Duration logTtl;

	private final Duration flushInterval;

	private final Duration quietTimeout;

	private final Duration runBound;

	/**
	 * The recordings of the completions running on this replica, for the readers on this
	 * replica.
	 */
	private final Map<TurnKey, CompletionRecording> running = new ConcurrentHashMap<>();

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
		this.runBound = settings.deadline().plus(settings.leaseTtl());
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
	 * Creates the completion's log and returns the completion's payloads with their ids
	 * from the first, for its client, in the groups they came in (the payloads of one
	 * turn event, which go to the client in one write). Subscribing them runs the
	 * completion, once; from then on it runs to its end however its readers come and go:
	 * the client's cancel detaches the client and the completion goes on, recorded for
	 * readers that resume it. The groups flux must end with a terminal payload and never
	 * error; a run that has not ended within the turn deadline and the lease's time to
	 * live is cut with a {@link TimeoutException} (the turn ends by its deadline, so this
	 * bounds only a run that stopped emitting). Empty groups are skipped.
	 * @param key the completion
	 * @param groups the SSE data payloads, in order, in groups
	 * @return the completion's payloads, once the log exists; errors with the store's
	 * failure, and then nothing was subscribed
	 */
	public Mono<Flux<List<StoredEvent>>> start(TurnKey key, Flux<List<Payload>> groups) {
		return this.eventLog.create(key, this.logTtl).then(Mono.fromSupplier(() -> Flux.defer(() -> {
			CompletionRecording recording = new CompletionRecording(key, this.eventLog, this.flushInterval,
					this.runBound);
			this.running.put(key, recording);
			return new RecordedGroups(groups.takeUntilOther(Mono.delay(this.runBound)), recording, this.runBound,
					() -> this.running.remove(key, recording));
		})));
	}

	/**
	 * Reads a completion's payloads after an id: from this replica's recording while it
	 * runs here, else from its log, following it live. A completion that goes quiet for
	 * longer than the turn deadline (its replica stopped) errors the reader with a
	 * {@link TimeoutException}.
	 * @param key the completion
	 * @param afterId the last id the reader has seen
	 * @return the payloads, completing after the terminal one
	 */
	public Flux<StoredEvent> events(TurnKey key, long afterId) {
		CompletionRecording recording = this.running.get(key);
		if (recording != null) {
			return recording.read(afterId);
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
