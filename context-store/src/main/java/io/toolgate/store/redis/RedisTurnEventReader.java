package io.toolgate.store.redis;

import java.util.List;
import java.util.Map;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnKey;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The reads of a {@link RedisTurnEventLog}: stored events in batches of {@code XRANGE},
 * and live tailing woken by the turn's pub/sub channel and by polling. See
 * {@link RedisTurnEventLog} for the guarantees.
 */
final class RedisTurnEventReader {

	private static final int BATCH = 256;

	/**
	 * Emitted by a read that finds the turn ended and nothing after the reader's id;
	 * never reaches the caller.
	 */
	private static final StoredEvent END = new StoredEvent(0, "", "", true);

	private final RedisClusterReactiveCommands<String, String> commands;

	private final TurnNotifications notifications;

	private final RedisKeys keys;

	private final RedisStoreSettings settings;

	RedisTurnEventReader(RedisClusterReactiveCommands<String, String> commands, TurnNotifications notifications,
			RedisKeys keys, RedisStoreSettings settings) {
		this.commands = commands;
		this.notifications = notifications;
		this.keys = keys;
		this.settings = settings;
	}

	/**
	 * Reads the events stored after an id, in batches, and completes.
	 * @param key the turn
	 * @param afterId the last id the caller has
	 * @return the events, in order
	 */
	Flux<StoredEvent> readStored(TurnKey key, long afterId) {
		return Mono.defer(() -> batchAfter(key, Math.max(afterId, 0))).flatMapMany((batch) -> {
			Flux<StoredEvent> stored = Flux.fromIterable(batch);
			return (batch.size() < BATCH) ? stored
					: stored.concatWith(Flux.defer(() -> readStored(key, batch.get(batch.size() - 1).id())));
		});
	}

	/**
	 * Reads the events after an id, then tails the log until the terminal event.
	 * @param key the turn
	 * @param afterId the last id the caller has
	 * @return the events, in order, each once
	 */
	Flux<StoredEvent> read(TurnKey key, long afterId) {
		return Flux.defer(() -> {
			Cursor cursor = new Cursor(Math.max(afterId, 0));
			Flux<Object> wakeUps = Flux
				.<Object>merge(this.notifications.listen(this.keys.turnChannel(key)),
						Flux.interval(this.settings.tailPollInterval()))
				.onBackpressureLatest();
			return wakeUps.concatMap((wakeUp) -> readNew(key, cursor), 1)
				.takeUntil(StoredEvent::terminal)
				.filter((event) -> event != END);
		});
	}

	/**
	 * Reads every event after the cursor, in batches; when there is none, tells whether
	 * the turn has ended.
	 */
	private Flux<StoredEvent> readNew(TurnKey key, Cursor cursor) {
		return batchAfter(key, cursor.last).flatMapMany((batch) -> {
			if (batch.isEmpty()) {
				return endOrNothing(key, cursor);
			}
			Flux<StoredEvent> fresh = Flux.fromIterable(batch)
				.filter((event) -> event.id() > cursor.last)
				.doOnNext((event) -> cursor.last = event.id());
			boolean more = batch.size() == BATCH && !batch.get(batch.size() - 1).terminal();
			return more ? fresh.concatWith(Flux.defer(() -> readNew(key, cursor))) : fresh;
		});
	}

	/** Reads up to one batch of the events stored after an id. */
	private Mono<List<StoredEvent>> batchAfter(TurnKey key, long last) {
		Range<String> after = Range.from(Range.Boundary.including((last + 1) + "-0"), Range.Boundary.unbounded());
		return this.commands.xrange(this.keys.turnEvents(key), after, Limit.from(BATCH))
			.map(RedisTurnEventReader::toEvent)
			.collectList()
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Reading a turn log"));
	}

	private Mono<StoredEvent> endOrNothing(TurnKey key, Cursor cursor) {
		return this.commands.hmget(this.keys.turnMeta(key), "n", "ended")
			.collectList()
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Reading a turn log"))
			.flatMap((fields) -> {
				if (fields.isEmpty() || !fields.get(0).hasValue()) {
					return Mono.error(RedisTurnEventLog.notFound(key));
				}
				boolean ended = "1".equals(fields.get(1).getValueOrElse("0"));
				long last = Long.parseLong(fields.get(0).getValue());
				return (ended && last <= cursor.last) ? Mono.just(END) : Mono.empty();
			});
	}

	private static StoredEvent toEvent(StreamMessage<String, String> message) {
		String id = message.getId();
		Map<String, String> body = message.getBody();
		return new StoredEvent(Long.parseLong(id.substring(0, id.indexOf('-'))), body.getOrDefault("type", ""),
				body.getOrDefault("data", ""), "1".equals(body.get("t")));
	}

	/** A reader's position; touched only by its own reads, which never overlap. */
	private static final class Cursor {

		private long last;

		Cursor(long last) {
			this.last = last;
		}

	}

}
