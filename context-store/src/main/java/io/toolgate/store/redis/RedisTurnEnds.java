package io.toolgate.store.redis;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.EventDraft;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.StoredEvent;
import io.toolgate.store.TurnEnds;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnLogFullException;
import io.toolgate.store.VersionConflictException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link TurnEnds} on Redis, in one round trip on the conversation's hash slot: without
 * an answer, the script that appends a batch to the turn log (as
 * {@link RedisTurnEventLog} does, fenced by the lease) releases the lease in the same
 * call; with one, {@link RedisScripts#TURN_END} also appends it to the conversation,
 * checking the lease and the conversation's version first.
 */
public final class RedisTurnEnds implements TurnEnds {

	private final RedisTurnEventLog eventLog;

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final RedisStoreSettings settings;

	private final Clock clock;

	private final RedisScript end;

	RedisTurnEnds(RedisTurnEventLog eventLog, RedisClusterReactiveCommands<String, String> commands, RedisKeys keys,
			RedisStoreSettings settings, Clock clock) {
		this.eventLog = Objects.requireNonNull(eventLog, "eventLog");
		this.commands = commands;
		this.keys = keys;
		this.settings = settings;
		this.clock = clock;
		this.end = new RedisScript(commands, RedisScripts.TURN_END);
	}

	@Override
	public Flux<StoredEvent> end(TurnKey key, List<EventDraft> events, TurnLease lease, @Nullable Answer answer) {
		if (answer == null) {
			return this.eventLog.append(key, events, lease.fence(), lease);
		}
		if (!lease.key().equals(key.conversation())) {
			return Flux.error(() -> leaseLost(key));
		}
		return Mono.defer(() -> {
			List<String> args = new ArrayList<>(9 + answer.messages().size() + events.size() * 3);
			args.add(key.turnId());
			args.add(Integer.toString(this.settings.maxEventsPerTurn()));
			args.add(this.keys.turnChannel(key));
			args.add(lease.fence());
			args.add(this.keys.leaseValue(lease));
			args.add(Long.toString(answer.expectedVersion()));
			args.add(Long.toString(this.clock.millis()));
			args.add(Long.toString(this.settings.conversationTtl().toMillis()));
			args.add(Integer.toString(answer.messages().size()));
			args.addAll(answer.messages());
			for (EventDraft event : events) {
				args.add(event.type());
				args.add(event.data());
				args.add(event.terminal() ? "1" : "0");
			}
			String[] scriptKeys = { this.keys.turnMeta(key), this.keys.turnEvents(key),
					this.keys.turns(key.conversation()), this.keys.lease(key.conversation()),
					this.keys.conversation(key.conversation()), this.keys.messages(key.conversation()) };
			return this.end.run(this.commands, scriptKeys, args.toArray(String[]::new));
		})
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Ending a turn"))
			.flatMapIterable((reply) -> switch ((String) reply.get(0)) {
				case "ok" -> RedisTurnEventLog.stored((Long) reply.get(1), events);
				case "missing" -> throw RedisTurnEventLog.notFound(key);
				case "ended" -> throw new IllegalStateException("Turn " + key.turnId() + " has already ended");
				case "fenced", "lease" -> throw leaseLost(key);
				case "version" ->
					throw new VersionConflictException("Conversation " + key.conversation().conversationId()
							+ " is at version " + reply.get(1) + ", not " + answer.expectedVersion());
				default -> throw new TurnLogFullException("Turn " + key.turnId() + " reached its limit of "
						+ this.settings.maxEventsPerTurn() + " events");
			});
	}

	private static LeaseLostException leaseLost(TurnKey key) {
		return new LeaseLostException("Turn " + key.turnId() + " no longer holds the lease of conversation "
				+ key.conversation().conversationId());
	}

}
