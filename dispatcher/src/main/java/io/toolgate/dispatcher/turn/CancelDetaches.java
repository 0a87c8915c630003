package io.toolgate.dispatcher.turn;

import org.reactivestreams.Subscription;
import reactor.core.CoreSubscriber;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Operators;
import reactor.util.context.Context;

/**
 * A flux whose subscriber's cancel detaches it instead of cancelling the source: from
 * then on the source runs on unbounded demand and its signals go nowhere. What must
 * happen with them (recording, releasing) is the source's own work, placed before this
 * operator. One subscriber with no sink and no queue in between, so the source's signals
 * reach it at the cost of a method call.
 *
 * @param <T> the elements
 */
final class CancelDetaches<T> extends Flux<T> {

	private final Flux<T> source;

	private CancelDetaches(Flux<T> source) {
		this.source = source;
	}

	/**
	 * Returns a flux that runs the source to its end even if its subscriber cancels.
	 * @param <T> the elements
	 * @param source the source
	 * @return the flux
	 */
	static <T> Flux<T> of(Flux<T> source) {
		return new CancelDetaches<>(source);
	}

	@Override
	public void subscribe(CoreSubscriber<? super T> actual) {
		this.source.subscribe(new Detachable<>(actual));
	}

	private static final class Detachable<T> implements CoreSubscriber<T>, Subscription {

		private final CoreSubscriber<? super T> actual;

		private Subscription upstream;

		private volatile boolean detached;

		Detachable(CoreSubscriber<? super T> actual) {
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
		public void onNext(T element) {
			if (!this.detached) {
				this.actual.onNext(element);
			}
		}

		@Override
		public void onError(Throwable error) {
			if (!this.detached) {
				this.actual.onError(error);
			}
		}

		@Override
		public void onComplete() {
			if (!this.detached) {
				this.actual.onComplete();
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
