package io.toolgate.store.redis;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Wake-up signals for live readers of turn logs, from Redis pub/sub on one dedicated
 * connection shared by all readers of this process. A channel is subscribed while at
 * least one reader listens to it. Signals carry no data and may be lost (pub/sub is
 * fire-and-forget, and a slow listener misses signals instead of buffering them), so
 * readers treat them as hints to read the stream and also poll.
 * <p>
 * Classic {@code PUBLISH}/{@code SUBSCRIBE} works unchanged on Redis Cluster, where a
 * message published on any node reaches subscribers on every node, at the cost of
 * cluster-bus traffic that sharded pub/sub would avoid.
 */
final class TurnNotifications {

	/**
	 * The first signal a listener gets, once the server has confirmed the subscription.
	 */
	static final String SUBSCRIBED = "";

	private final StatefulRedisPubSubConnection<String, String> connection;

	private final ConcurrentMap<String, Channel> channels = new ConcurrentHashMap<>();

	private static final Logger logger = LoggerFactory.getLogger(TurnNotifications.class);

	private final Duration timeout;

	TurnNotifications(StatefulRedisPubSubConnection<String, String> connection, Duration timeout) {
		this.connection = connection;
		this.timeout = timeout;
		connection.addListener(new RedisPubSubAdapter<>() {

			@Override
			public void message(String channel, String message) {
				Channel listeners = TurnNotifications.this.channels.get(channel);
				if (listeners != null) {
					listeners.sink().tryEmitNext(message);
				}
			}

		});
	}

	/**
	 * Listens to a channel: emits {@link #SUBSCRIBED} once the subscription is confirmed,
	 * then each message; never completes. Cancelling unsubscribes when no other listener
	 * remains. If the subscription fails or is not confirmed within the timeout, the
	 * listener still gets {@link #SUBSCRIBED} (and then nothing, unless a later
	 * reconnection restores the channel): the fallback is the reader's own polling,
	 * logged at WARN.
	 */
	Flux<String> listen(String channel) {
		return Flux.defer(() -> {
			Channel listeners = join(channel);
			return Flux.merge(listeners.sink().asFlux(), confirmation(channel, listeners))
				.doFinally((signal) -> leave(channel, listeners));
		});
	}

	private Mono<String> confirmation(String channel, Channel listeners) {
		return Mono.fromCompletionStage(listeners.subscribed()).timeout(this.timeout).onErrorResume((ex) -> {
			logger.warn("No notifications on {}, its readers fall back to polling: {}", channel, ex.toString());
			return Mono.empty();
		}).thenReturn(SUBSCRIBED);
	}

	private Channel join(String channel) {
		return this.channels.compute(channel, (name, current) -> {
			if (current != null) {
				return current.plusOne();
			}
			// Issued inside compute so that SUBSCRIBE and UNSUBSCRIBE of one channel
			// reach the server in order.
			Sinks.Many<String> sink = Sinks.many().multicast().directBestEffort();
			return new Channel(sink, this.connection.async().subscribe(name).toCompletableFuture(), 1);
		});
	}

	private void leave(String channel, Channel listeners) {
		this.channels.computeIfPresent(channel, (name, current) -> {
			if (current.sink() != listeners.sink()) {
				return current;
			}
			if (current.count() > 1) {
				return current.minusOne();
			}
			this.connection.async().unsubscribe(name);
			return null;
		});
	}

	private record Channel(Sinks.Many<String> sink, CompletableFuture<Void> subscribed, int count) {

		Channel plusOne() {
			return new Channel(this.sink, this.subscribed, this.count + 1);
		}

		Channel minusOne() {
			return new Channel(this.sink, this.subscribed, this.count - 1);
		}

	}

}
