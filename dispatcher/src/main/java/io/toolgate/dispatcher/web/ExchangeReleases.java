package io.toolgate.dispatcher.web;

import java.util.ArrayList;
import java.util.List;

import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Runs the releases a handler registered for its exchange when the exchange ends, however
 * it ends: response written, error, or the client gone before the response body was ever
 * subscribed. A handler that takes a permit or a lease and hands its release to a
 * response body registers the release here too, because a body that is never subscribed
 * never runs its own clean-up. Releases must be idempotent; they run on the thread that
 * ends the exchange and must not block.
 * <p>
 * {@link #ended} also lets a streamed body end with its exchange: when a client resets
 * the connection, the server may stop writing without ever cancelling the body, which
 * would then hold its subscription (and whatever it counts or holds) for good.
 */
public class ExchangeReleases implements WebFilter {

	private static final String ATTRIBUTE = ExchangeReleases.class.getName();

	@Override
	public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
		return Mono.defer(() -> {
			Releases releases = new Releases();
			exchange.getAttributes().put(ATTRIBUTE, releases);
			return chain.filter(exchange).doFinally(signal -> releases.runAll());
		});
	}

	/**
	 * Returns a signal that completes when the exchange ends, however it ends.
	 * @param exchange the exchange
	 * @return completes at the exchange's end; never errors
	 * @throws IllegalStateException when the filter is not installed
	 */
	public static Mono<Void> ended(ServerWebExchange exchange) {
		Sinks.Empty<Void> end = Sinks.empty();
		register(exchange, end::tryEmitEmpty);
		return end.asMono();
	}

	/**
	 * Registers a release for the end of the exchange.
	 * @param exchange the exchange
	 * @param release idempotent and non-blocking
	 * @throws IllegalStateException when the filter is not installed
	 */
	public static void register(ServerWebExchange exchange, Runnable release) {
		Releases releases = exchange.getAttribute(ATTRIBUTE);
		if (releases == null) {
			throw new IllegalStateException("ExchangeReleases is not installed");
		}
		releases.add(release);
	}

	/** The releases of one exchange; one registered after the end runs at once. */
	private static final class Releases {

		private final List<Runnable> pending = new ArrayList<>(2);

		private boolean ended;

		void add(Runnable release) {
			synchronized (this) {
				if (!this.ended) {
					this.pending.add(release);
					return;
				}
			}
			release.run();
		}

		void runAll() {
			List<Runnable> releases;
			synchronized (this) {
				this.ended = true;
				releases = List.copyOf(this.pending);
				this.pending.clear();
			}
			releases.forEach(Runnable::run);
		}

	}

}
