package io.toolgate.store.redis;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.Conversation;
import io.toolgate.store.ConversationKey;
import io.toolgate.store.ConversationStore;
import io.toolgate.store.LeaseLostException;
import io.toolgate.store.StoreUnavailableException;
import io.toolgate.store.TurnKey;
import io.toolgate.store.TurnLease;
import io.toolgate.store.VersionConflictException;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link ConversationStore} on Redis: a hash with the version and timestamps and a list
 * of messages, written only by one Lua script that checks the fence and the version,
 * appends, and refreshes the time to live of both keys in one atomic step. Timestamps
 * come from the given clock, in milliseconds. Every command is bounded by
 * {@link RedisStoreSettings#commandTimeout()} and errors with
 * {@link StoreUnavailableException} when Redis cannot be reached. Works on standalone
 * Redis and Redis Cluster ({@link RedisKeys} puts the keys in one slot).
 */
public final class RedisConversationStore implements ConversationStore {

	/**
	 * A turn log created while a delete runs makes the delete read the turn set again;
	 * bounded.
	 */
	private static final int DELETE_ATTEMPTS = 5;

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final RedisStoreSettings settings;

	private final Clock clock;

	private final RedisScript append;

	private final RedisScript find;

	private final RedisScript delete;

	/**
	 * Creates the store.
	 * @param commands the shared reactive commands of a standalone or cluster connection
	 * @param keys the key builder
	 * @param settings the timeout and the conversation time to live
	 * @param clock the clock that stamps conversations
	 */
	public RedisConversationStore(RedisClusterReactiveCommands<String, String> commands, RedisKeys keys,
			RedisStoreSettings settings, Clock clock) {
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.settings = Objects.requireNonNull(settings, "settings");
		this.clock = Objects.requireNonNull(clock, "clock");
		this.append = new RedisScript(commands, RedisScripts.CONVERSATION_APPEND);
		this.find = new RedisScript(commands, RedisScripts.CONVERSATION_FIND);
		this.delete = new RedisScript(commands, RedisScripts.CONVERSATION_DELETE);
	}

	@Override
	public Mono<Conversation> find(ConversationKey key) {
		String[] scriptKeys = { this.keys.conversation(key), this.keys.messages(key) };
		return this.find.run(this.commands, scriptKeys)
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Reading a conversation"))
			.filter((reply) -> "ok".equals(reply.get(0)))
			.map((reply) -> toConversation(key, reply));
	}

	@Override
	public Mono<Conversation> append(ConversationKey key, long expectedVersion, List<String> messages,
			@Nullable TurnLease fence) {
		List<String> appended = List.copyOf(messages);
		if (fence != null && !fence.key().equals(key)) {
			return Mono.error(() -> leaseLost(key, fence));
		}
		return Mono.defer(() -> {
			String[] scriptKeys = { this.keys.conversation(key), this.keys.messages(key), this.keys.lease(key) };
			List<String> args = new ArrayList<>(appended.size() + 4);
			args.add(Long.toString(expectedVersion));
			args.add((fence != null) ? this.keys.leaseValue(fence) : "");
			args.add(Long.toString(this.clock.millis()));
			args.add(Long.toString(this.settings.conversationTtl().toMillis()));
			args.addAll(appended);
			return this.append.run(this.commands, scriptKeys, args.toArray(String[]::new));
		})
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Writing a conversation"))
			.map((reply) -> switch ((String) reply.get(0)) {
				case "ok" -> toConversation(key, reply);
				case "lease" -> throw leaseLost(key, Objects.requireNonNull(fence));
				default -> throw new VersionConflictException("Conversation " + key.conversationId() + " is at version "
						+ reply.get(1) + ", not " + expectedVersion);
			});
	}

	/**
	 * {@inheritDoc}
	 * <p>
	 * Reads the conversation's turn ids, then deletes everything in one script; a turn
	 * log created in between makes it read again, at most five times, then errors with
	 * {@link StoreUnavailableException}.
	 */
	@Override
	public Mono<Boolean> delete(ConversationKey key) {
		return Flux.range(0, DELETE_ATTEMPTS)
			.concatMap((attempt) -> deleteOnce(key))
			.next()
			.switchIfEmpty(Mono.error(() -> new StoreUnavailableException(
					"Turn logs kept being created while conversation " + key.conversationId() + " was deleted")));
	}

	private Mono<Boolean> deleteOnce(ConversationKey key) {
		return this.commands.smembers(this.keys.turns(key)).collectList().flatMap((turnIds) -> {
			List<String> scriptKeys = new ArrayList<>(List.of(this.keys.conversation(key), this.keys.messages(key),
					this.keys.lease(key), this.keys.turns(key)));
			for (String turnId : turnIds) {
				TurnKey turn = new TurnKey(key, turnId);
				scriptKeys.add(this.keys.turnMeta(turn));
				scriptKeys.add(this.keys.turnEvents(turn));
			}
			return this.delete.run(this.commands, scriptKeys.toArray(String[]::new), turnIds.toArray(String[]::new));
		})
			.transform(RedisOperators.guard(this.settings.commandTimeout(), "Deleting a conversation"))
			.filter((reply) -> "ok".equals(reply.get(0)))
			.map((reply) -> ((Long) reply.get(1)) == 1L);
	}

	static Conversation toConversation(ConversationKey key, List<Object> reply) {
		long version = (Long) reply.get(1);
		Instant createdAt = Instant.ofEpochMilli(Long.parseLong((String) reply.get(2)));
		Instant updatedAt = Instant.ofEpochMilli(Long.parseLong((String) reply.get(3)));
		List<String> messages = new ArrayList<>(reply.size() - 4);
		for (int i = 4; i < reply.size(); i++) {
			messages.add((String) reply.get(i));
		}
		return new Conversation(key, messages, version, createdAt, updatedAt);
	}

	private static LeaseLostException leaseLost(ConversationKey key, TurnLease fence) {
		return new LeaseLostException(
				"Turn " + fence.turnId() + " no longer holds the lease of conversation " + key.conversationId());
	}

}
