package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.toolgate.store.EventDraft;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Schedulers;

/**
 * What one streamed completion running on this replica has sent so far: kept here for
 * readers that resume it on this replica, and written to its event log for the others. To
 * a shared log, the payloads that arrive within the flush interval (or while a write is
 * in flight) go in one write, with one timer per write rather than per payload; to a log
 * in this process, all of them at once when the completion ends. The first failed write
 * ends the writing, so that the log never holds payloads under ids other than the ones
 * their readers got. Thread-safe: payloads come from the completion, readers and write
 * results from anywhere.
 */
final class CompletionRecording {

	private static final Logger logger = LoggerFactory.getLogger(CompletionRecording.class);

	/** Most payloads written to the event log in one write. */
	static final int APPEND_BATCH_SIZE = 64;

	private final TurnKey key;

	private final TurnEventLog eventLog;

	/** Zero: written once, at the end. */
	private final Duration flushInterval;

	private final Duration writeTimeout;

	private final Object lock = new Object();

	// Guarded by lock.
	private final List<StoredEvent> events = new ArrayList<>();

	private final List<Sinks.Many<StoredEvent>> readers = new ArrayList<>(0);

	private int written;

	private boolean writing;

	private boolean flushScheduled;

	private boolean failed;

	private boolean ended;

	private Throwable error;

	CompletionRecording(TurnKey key, TurnEventLog eventLog, Duration flushInterval, Duration writeTimeout) {
		this.key = key;
		this.eventLog = eventLog;
		this.flushInterval = flushInterval;
		this.writeTimeout = writeTimeout;
	}

	/** Records the completion's next payload. */
	void add(StoredEvent event) {
		boolean flushNow;
		boolean schedule = false;
		synchronized (this.lock) {
			this.events.add(event);
			for (Sinks.Many<StoredEvent> reader : this.readers) {
				reader.tryEmitNext(event);
			}
			if (this.flushInterval.isZero()) {
				flushNow = event.terminal();
			}
			else {
				flushNow = event.terminal() || this.events.size() - this.written >= APPEND_BATCH_SIZE;
				if (!flushNow && !this.flushScheduled) {
					this.flushScheduled = true;
					schedule = true;
				}
			}
		}
		if (flushNow) {
			flush();
		}
		else if (schedule) {
			Schedulers.parallel().schedule(this::flushDue, this.flushInterval.toNanos(), TimeUnit.NANOSECONDS);
		}
	}

	/**
	 * Ends the recording: after the terminal payload, or with the completion's failure
	 * (then readers here end with it, and what was recorded is written).
	 */
	void end(Throwable failure) {
		List<Sinks.Many<StoredEvent>> ending;
		synchronized (this.lock) {
			this.ended = true;
			this.error = failure;
			ending = List.copyOf(this.readers);
			this.readers.clear();
		}
		for (Sinks.Many<StoredEvent> reader : ending) {
			if (failure != null) {
				reader.tryEmitError(failure);
			}
			else {
				reader.tryEmitComplete();
			}
		}
		flush();
	}

	/**
	 * Reads the payloads after an id: those recorded, then the rest as they come.
	 * @param afterId the last id the reader has seen
	 * @return the payloads; ends when the completion does
	 */
	Flux<StoredEvent> read(long afterId) {
		return Flux.defer(() -> {
			Sinks.Many<StoredEvent> reader = Sinks.many().unicast().onBackpressureBuffer();
			synchronized (this.lock) {
				for (StoredEvent event : this.events) {
					if (event.id() > afterId) {
						reader.tryEmitNext(event);
					}
				}
				if (this.ended) {
					if (this.error != null) {
						reader.tryEmitError(this.error);
					}
					else {
						reader.tryEmitComplete();
					}
				}
				else {
					this.readers.add(reader);
				}
			}
			return reader.asFlux().doFinally(signal -> {
				synchronized (this.lock) {
					this.readers.remove(reader);
				}
			});
		});
	}

	private void flushDue() {
		synchronized (this.lock) {
			this.flushScheduled = false;
		}
		flush();
	}

	/** Writes what is not written yet, unless a write is in flight or nothing is due. */
	private void flush() {
		List<EventDraft> batch;
		synchronized (this.lock) {
			int pending = this.events.size() - this.written;
			boolean due = this.flushInterval.isZero() ? this.ended : true;
			if (this.writing || this.failed || pending == 0 || !due) {
				return;
			}
			int count = this.flushInterval.isZero() ? pending : Math.min(pending, APPEND_BATCH_SIZE);
			batch = new ArrayList<>(count);
			for (StoredEvent event : this.events.subList(this.written, this.written + count)) {
				batch.add(new EventDraft(event.type(), event.data(), event.terminal()));
			}
			this.writing = true;
		}
		// Fire-and-forget: nothing waits for the log.
		this.eventLog.appendAll(this.key, batch).then().timeout(this.writeTimeout).subscribe(null, this::failed, () -> {
			boolean more;
			synchronized (this.lock) {
				this.written += batch.size();
				this.writing = false;
				// What came during the write is due now, as it is after the completion's
				// end.
				more = this.events.size() > this.written && !this.flushInterval.isZero();
			}
			if (more) {
				flush();
			}
		});
	}

	private void failed(Throwable failure) {
		synchronized (this.lock) {
			this.failed = true;
			this.writing = false;
		}
		logger.warn("Completion {} could not record its stream; it cannot be resumed past the failure: {}",
				this.key.turnId(), failure.toString());
	}

}
