package io.toolgate.dispatcher.turn;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import io.toolgate.store.StoredEvent;
import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A completion's payloads, recorded, in one operator: each payload of a group gets the
 * next id and goes to the {@link CompletionRecording}, then the group goes to the
 * subscriber as one element (the payloads one turn event makes are written to the client
 * together). A group with no payload is skipped. The subscriber's cancel detaches it
 * instead of cancelling the source: from then on the source runs on unbounded demand, and
 * its payloads are still recorded, for readers that resume the completion. A source that
 * completes before its terminal payload (the run bound cut it) ends the recording and the
 * subscriber with a {@link TimeoutException}.
 * <p>
 * One subscriber with no queue between the source and the client, so a payload reaches
 * the client at the cost of a method call; what a chain of map, peeks and a concatenated
 * check would do is done here once per payload.
 */
final class RecordedGroups extends Flux<List<StoredEvent>> {

	private final Flux<List<CompletionStreams.Payload>> source;

	private final CompletionRecording recording;

	private final Duration runBound;

	private final Runnable onEnd;

	/**
	 * Creates the operator.
	 * @param source the payload groups, cut at the run bound
	 * @param recording where every payload goes
	 * @param runBound the bound, for the message of a run it cut
	 * @param onEnd runs once the source has ended, however
	 */
	RecordedGroups(Flux<List<CompletionStreams.Payload>> source, CompletionRecording recording, Duration runBound,
			Runnable onEnd) {
		this.source = source;
		this.recording = recording;
		this.runBound = runBound;
		this.onEnd = onEnd;
	}

	@Override
	public void subscribe(CoreSubscriber<? super List<StoredEvent>> actual) {
		this.source.subscribe(new Recorder(actual));
	}

	private final class Recorder implements CoreSubscriber<List<CompletionStreams.Payload>>, Subscription {

		private final CoreSubscriber<? super List<StoredEvent>> actual;

		private Subscription upstream;

		// Signals are serial (Reactive Streams rule 1.3): plain fields.
		private long lastId;

		private boolean terminal;

		private boolean ended;

		private volatile boolean detached;

		Recorder(CoreSubscriber<? super List<StoredEvent>> actual) {
			this.actual = actual;
		}

		@Override
		public Context currentContext() {
			return this.actual.currentContext();
		}

		@Override
		public void onSubscribe(Subscription subscription) {
			if (Operators.validate(this.upstream, subscription)) {
				this.upstream = subscription;
				this.actual.onSubscribe(this);
			}
		}

		@Override
		public void onNext(List<CompletionStreams.Payload> group) {
			if (this.ended) {
				return;
			}
			if (group.isEmpty()) {
				// Nothing reaches the subscriber for this one: its demand asks for the
				// next.
				if (!this.detached) {
					this.upstream.request(1);
				}
				return;
			}
			List<StoredEvent> events = (group.size() == 1) ? List.of(record(group.get(0))) : recordAll(group);
			if (!this.detached) {
				this.actual.onNext(events);
			}
		}

		private List<StoredEvent> recordAll(List<CompletionStreams.Payload> group) {
			List<StoredEvent> events = new ArrayList<>(group.size());
			for (CompletionStreams.Payload payload : group) {
				events.add(record(payload));
			}
			return events;
		}

		private StoredEvent record(CompletionStreams.Payload payload) {
			StoredEvent event = new StoredEvent(++this.lastId, CompletionStreams.CHUNK, payload.data(),
					payload.terminal());
			this.terminal |= payload.terminal();
			RecordedGroups.this.recording.add(event);
			return event;
		}

		@Override
		public void onError(Throwable error) {
			if (this.ended) {
				return;
			}
			end(error);
		}

		@Override
		public void onComplete() {
			if (this.ended) {
				return;
			}
			end(this.terminal ? null
					: new TimeoutException("The completion did not end within " + RecordedGroups.this.runBound));
		}

		private void end(Throwable error) {
			this.ended = true;
			RecordedGroups.this.recording.end(error);
			try {
				if (!this.detached) {
					if (error != null) {
						this.actual.onError(error);
					}
					else {
						this.actual.onComplete();
					}
				}
			}
			finally {
				RecordedGroups.this.onEnd.run();
			}
		}

		@Override
		public void request(long n) {
			if (!this.detached) {
				this.upstream.request(n);
			}
		}

		@Override
		public void cancel() {
			if (!this.detached) {
				this.detached = true;
				this.upstream.request(Long.MAX_VALUE);
			}
		}

	}

}
