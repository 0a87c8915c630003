package io.toolgate.store.redis;

import java.time.Duration;
import java.util.Objects;

import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import io.toolgate.store.TurnStarts;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * {@link TurnStarts} on Redis: one script takes the lease ({@code SET NX PX}, as
 * {@link RedisTurnLeases} does), creates the turn log (as {@link RedisTurnEventLog} does)
 * and reads the conversation (as {@link RedisConversationStore} does), all on the
 * conversation's hash slot, in one round trip. Bounded by
 * {@link RedisStoreSettings#commandTimeout()}; errors with
 * {@link StoreUnavailableException} when Redis cannot be reached.
 */
public final class RedisTurnStarts implements TurnStarts {

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final RedisTurnLeases leases;

	private final Duration timeout;

	private final RedisScript start;

	RedisTurnStarts(RedisClusterReactiveCommands<String, String> commands, RedisKeys keys, RedisTurnLeases leases,
			RedisStoreSettings settings) {
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.leases = Objects.requireNonNull(leases, "leases");
		this.timeout = settings.commandTimeout();
		this.start = new RedisScript(commands, RedisScripts.TURN_START);
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if a time to live is shorter than 1
	 * ms
	 */
	@Override
	public Mono<StartedTurn> start(ConversationKey key, String turnId, Duration leaseTtl,
			@Nullable Duration eventLogTtl) {
		long leaseMillis = RedisTurnLeases.positiveMillis(leaseTtl);
		String logMillis = (eventLogTtl != null) ? Long.toString(RedisTurnLeases.positiveMillis(eventLogTtl)) : "";
		return Mono.defer(() -> {
			TurnLease lease = this.leases.newLease(key, turnId);
			TurnKey turn = new TurnKey(key, turnId);
			String[] scriptKeys = { this.keys.lease(key), this.keys.conversation(key), this.keys.messages(key),
					this.keys.turnMeta(turn), this.keys.turnEvents(turn), this.keys.turns(key) };
			return this.start
				.run(this.commands, scriptKeys, this.keys.leaseValue(lease), Long.toString(leaseMillis), turnId,
						logMillis)
				.map((reply) -> switch ((String) reply.get(0)) {
					case "ok" -> new StartedTurn(lease, RedisConversationStore.toConversation(key, reply));
					case "missing" -> new StartedTurn(lease, null);
					case "conflict" -> throw RedisTurnLeases.conflict(key, holder((String) reply.get(1)));
					default -> throw new IllegalStateException("Unexpected reply " + reply.get(0));
				});
		}).transform(RedisOperators.guard(this.timeout, "Starting a turn"));
	}

	private String holder(String leaseValue) {
		return leaseValue.isEmpty() ? "another turn" : this.keys.turnOfLeaseValue(leaseValue);
	}

}
