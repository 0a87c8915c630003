package io.toolgate.store.memory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.toolgate.store.LeaseLostException;
import io.toolgate.store.ReaderOverflowException;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLogFullException;
import io.toolgate.store.TurnNotFoundException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.util.concurrent.Queues;

/**
 * The events of one turn and the live readers waiting for more. Appending and opening a
 * reader take the same monitor, so a reader sees every event exactly once: those stored
 * when it opened come from the backlog, later ones from its own bounded sink.
 */
final class TurnLog {

	private final TurnKey key;

	private final Duration ttl;

	private final int maxEvents;

	private final int readerBuffer;

	private final List<StoredEvent> events = new ArrayList<>();

	private final List<Sinks.Many<StoredEvent>> readers = new ArrayList<>();

	private boolean ended;

	private boolean closed;

	/** The writer that claimed the log, or {@code null} while unclaimed. */
	private @Nullable String writer;

	private volatile Instant expiresAt;

	TurnLog(TurnKey key, Duration ttl, int maxEvents, int readerBuffer, Instant now) {
		this.key = key;
		this.ttl = ttl;
		this.maxEvents = maxEvents;
		this.readerBuffer = readerBuffer;
		this.expiresAt = now.plus(ttl);
	}

	synchronized boolean isEnded() {
		return this.ended;
	}

	Instant expiresAt() {
		return this.expiresAt;
	}

	boolean isExpired(Instant now) {
		return !now.isBefore(this.expiresAt);
	}

	TurnKey key() {
		return this.key;
	}

	/**
	 * Makes {@code writer} the log's only fenced writer; {@code false} if the turn has
	 * ended.
	 */
	synchronized boolean claim(String writer) {
		if (this.closed) {
			throw notFound(this.key);
		}
		if (this.ended) {
			return false;
		}
		this.writer = writer;
		return true;
	}

	/** The events stored after {@code afterId}, now. */
	synchronized List<StoredEvent> stored(long afterId) {
		int from = (int) Math.min(Math.max(afterId, 0), this.events.size());
		return List.copyOf(this.events.subList(from, this.events.size()));
	}

	/** Appends for a writer: refused once another writer claimed the log. */
	synchronized StoredEvent append(String type, String data, boolean terminal, Instant now, String writer) {
		if (this.writer != null && !this.writer.equals(writer) && !this.closed) {
			throw new LeaseLostException("Turn " + this.key.turnId() + " was taken over by another writer");
		}
		return append(type, data, terminal, now);
	}

	synchronized StoredEvent append(String type, String data, boolean terminal, Instant now) {
		if (this.closed) {
			throw notFound(this.key);
		}
		if (this.ended) {
			throw new IllegalStateException("Turn " + this.key.turnId() + " has already ended");
		}
		// One slot stays free for the terminal event, so that a full turn can still be
		// ended.
		if (!terminal && this.events.size() >= this.maxEvents - 1) {
			throw new TurnLogFullException(
					"Turn " + this.key.turnId() + " reached its limit of " + this.maxEvents + " events");
		}
		StoredEvent event = new StoredEvent(this.events.size() + 1L, type, data, terminal);
		this.events.add(event);
		this.expiresAt = now.plus(this.ttl);
		this.ended = terminal;
		publish(event);
		return event;
	}

	/**
	 * Opens a reader of the events after {@code afterId}: the stored ones, then (unless
	 * the turn has ended) live ones until the terminal event.
	 */
	synchronized Flux<StoredEvent> read(long afterId) {
		if (this.closed) {
			return Flux.error(notFound(this.key));
		}
		int from = (int) Math.min(Math.max(afterId, 0), this.events.size());
		Flux<StoredEvent> backlog = Flux.fromIterable(List.copyOf(this.events.subList(from, this.events.size())));
		if (this.ended) {
			return backlog;
		}
		Sinks.Many<StoredEvent> live = Sinks.many()
			.unicast()
			.onBackpressureBuffer(Queues.<StoredEvent>get(this.readerBuffer).get());
		this.readers.add(live);
		// A reader resuming beyond the last stored id skips live events up to its id.
		return backlog.concatWith(live.asFlux().filter((event) -> event.id() > afterId))
			.doFinally((signal) -> detach(live));
	}

	/**
	 * Ends every reader with {@link TurnNotFoundException}; later appends and reads fail
	 * the same way.
	 */
	void close() {
		List<Sinks.Many<StoredEvent>> cut;
		synchronized (this) {
			this.closed = true;
			cut = List.copyOf(this.readers);
			this.readers.clear();
		}
		cut.forEach((reader) -> reader.tryEmitError(notFound(this.key)));
	}

	private synchronized void detach(Sinks.Many<StoredEvent> reader) {
		this.readers.remove(reader);
	}

	private void publish(StoredEvent event) {
		// Iterate a copy: a reader's downstream may cancel (and detach) while its event
		// is delivered.
		for (Sinks.Many<StoredEvent> reader : List.copyOf(this.readers)) {
			Sinks.EmitResult result = reader.tryEmitNext(event);
			if (result == Sinks.EmitResult.FAIL_OVERFLOW) {
				this.readers.remove(reader);
				reader.tryEmitError(new ReaderOverflowException("Reader of turn " + this.key.turnId()
						+ " fell more than " + this.readerBuffer + " events behind; resume after the last id read"));
			}
			else if (result.isFailure()) {
				this.readers.remove(reader);
			}
			else if (event.terminal()) {
				reader.tryEmitComplete();
			}
		}
		if (event.terminal()) {
			this.readers.clear();
		}
	}

	static TurnNotFoundException notFound(TurnKey key) {
		return new TurnNotFoundException(
				"No event log for turn " + key.turnId() + " of conversation " + key.conversation().conversationId());
	}

}
