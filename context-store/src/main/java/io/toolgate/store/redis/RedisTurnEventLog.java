package io.toolgate.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.EventDraft;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEventLog;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnLogFullException;
import io.toolgate.store.TurnNotFoundException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link TurnEventLog} on Redis Streams. Each turn has a stream whose entry ids are the
 * event ids ({@code n-0}) and a meta hash with the last id, whether the turn ended, and
 * the time to live; one Lua script appends, assigns the next id, refreshes the time to
 * live of both keys and announces the id on the turn's pub/sub channel.
 * <p>
 * A reader subscribes to the turn's channel first, then reads the stream after its last
 * id ({@code XRANGE}), and reads again on every announcement and every
 * {@link RedisStoreSettings#tailPollInterval()} (pub/sub may lose messages). It keeps its
 * last id and drops anything at or below it, so it sees every event once, in order, and
 * completes after the terminal event. Readers pull: a slow reader reads later rather than
 * buffering, so it never overflows, and live tailing uses no blocking command: one
 * pub/sub connection serves every reader of this process and reads share the command
 * connection.
 * <p>
 * At most {@link RedisStoreSettings#maxEventsPerTurn()} events per turn, the last slot
 * kept for the terminal event: a non-terminal append to a full log errors with
 * {@link TurnLogFullException}; appending after the terminal event errors with
 * {@link IllegalStateException}. A reader whose log expires or is deleted while it waits
 * errors with {@link TurnNotFoundException} at its next read. Every command is bounded by
 * {@link RedisStoreSettings#commandTimeout()} and errors with
 * {@link StoreUnavailableException} when Redis cannot be reached.
 */
public final class RedisTurnEventLog implements TurnEventLog {

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisTurnEventReader reader;

	private final RedisKeys keys;

	private final RedisStoreSettings settings;

	private final RedisScript create;

	private final RedisScript appendAll;

	private final RedisScript claim;

	/**
	 * Creates the event log.
	 * @param commands the shared reactive commands of a standalone or cluster connection
	 * @param pubSub a pub/sub connection to the same Redis, used only by this log to wake
	 * live readers
	 * @param keys the key builder
	 * @param settings the timeout, the bound on events per turn and the poll interval
	 */
	public RedisTurnEventLog(RedisClusterReactiveCommands<String, String> commands,
			StatefulRedisPubSubConnection<String, String> pubSub, RedisKeys keys, RedisStoreSettings settings) {
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.reader = new RedisTurnEventReader(commands, new TurnNotifications(pubSub, settings.commandTimeout()), keys,
				settings);
		this.create = new RedisScript(commands, RedisScripts.TURN_LOG_CREATE);
		this.appendAll = new RedisScript(commands, RedisScripts.TURN_LOG_APPEND_ALL);
		this.claim = new RedisScript(commands, RedisScripts.TURN_LOG_CLAIM);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Creating a log that already exists (and has not expired) leaves it as it is, time
	 * to live included.
	 * @throws IllegalArgumentException (at call time) if {@code ttl} is shorter than 1 ms
	 */
	@Override
	public Mono<Void> create(TurnKey key, Duration ttl) {
		if (ttl.isNegative() || ttl.toMillis() < 1) {
			throw new IllegalArgumentException("ttl must be at least 1 ms");
		}
		return Mono
			.defer(() -> this.create.run(this.commands, turnKeys(key), key.turnId(), Long.toString(ttl.toMillis())))
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Creating a turn log"))
			.then();
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * One script call writes the whole batch, so a refused batch stores nothing. Also
	 * errors with {@link TurnLogFullException} when the log is full and
	 * {@link IllegalStateException} after the terminal event.
	 */
	@Override
	public Flux<StoredEvent> appendAll(TurnKey key, List<EventDraft> events) {
		return append(key, events, "", null);
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * The writer is checked in the same script call that writes the batch.
	 */
	@Override
	public Flux<StoredEvent> appendAll(TurnKey key, List<EventDraft> events, String writer) {
		if (writer.isEmpty()) {
			throw new IllegalArgumentException("writer must not be empty");
		}
		return append(key, events, writer, null);
	}

	@Override
	public Mono<Boolean> claim(TurnKey key, String writer) {
		return Mono.defer(() -> this.claim.run(this.commands, new String[] { this.keys.turnMeta(key) }, writer))
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Claiming a turn log"))
			.map((reply) -> switch ((String) reply.get(0)) {
				case "ok" -> true;
				case "ended" -> false;
				default -> throw notFound(key);
			});
	}

	/**
	 * Appends a batch in one script call, fenced by {@code writer} unless it is empty;
	 * with a lease, releases it in the same call once the batch is stored.
	 */
	Flux<StoredEvent> append(TurnKey key, List<EventDraft> events, String writer, @Nullable TurnLease release) {
		if (events.isEmpty()) {
			return Flux.empty();
		}
		return Mono.defer(() -> {
			List<String> args = new ArrayList<>(5 + events.size() * 3);
			args.add(key.turnId());
			args.add(Integer.toString(this.settings.maxEventsPerTurn()));
			args.add(this.keys.turnChannel(key));
			args.add(writer);
			args.add((release != null) ? this.keys.leaseValue(release) : "");
			for (EventDraft event : events) {
				args.add(event.type());
				args.add(event.data());
				args.add(event.terminal() ? "1" : "0");
			}
			String[] scriptKeys = (release != null) ? new String[] { this.keys.turnMeta(key), this.keys.turnEvents(key),
					this.keys.turns(key.conversation()), this.keys.lease(key.conversation()) } : turnKeys(key);
			return this.appendAll.run(this.commands, scriptKeys, args.toArray(String[]::new));
		})
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Appending to a turn log"))
			.flatMapIterable((reply) -> switch ((String) reply.get(0)) {
				case "ok" -> stored((Long) reply.get(1), events);
				case "missing" -> throw notFound(key);
				case "ended" -> throw new IllegalStateException("Turn " + key.turnId() + " has already ended");
				case "fenced" ->
					throw new LeaseLostException("Turn " + key.turnId() + " was taken over by another writer");
				default -> throw new TurnLogFullException("Turn " + key.turnId() + " reached its limit of "
						+ this.settings.maxEventsPerTurn() + " events");
			});
	}

	static List<StoredEvent> stored(long firstId, List<EventDraft> events) {
		List<StoredEvent> stored = new ArrayList<>(events.size());
		for (int i = 0; i < events.size(); i++) {
			EventDraft event = events.get(i);
			stored.add(new StoredEvent(firstId + i, event.type(), event.data(), event.terminal()));
		}
		return stored;
	}

	@Override
	public Flux<StoredEvent> readStored(TurnKey key, long afterId) {
		return this.reader.readStored(key, afterId);
	}

	@Override
	public Flux<StoredEvent> read(TurnKey key, long afterId) {
		return this.reader.read(key, afterId);
	}

	@Override
	public Mono<Boolean> exists(TurnKey key) {
		return Mono.defer(() -> this.commands.exists(this.keys.turnMeta(key)))
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Checking a turn log"))
			.map((count) -> count > 0);
	}

	private String[] turnKeys(TurnKey key) {
		return new String[] { this.keys.turnMeta(key), this.keys.turnEvents(key), this.keys.turns(key.conversation()) };
	}

	static TurnNotFoundException notFound(TurnKey key) {
		return new TurnNotFoundException(
				"No event log for turn " + key.turnId() + " of conversation " + key.conversation().conversationId());
	}

}
