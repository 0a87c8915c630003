package io.toolgate.store;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Mono;

/**
 * The start of a conversation turn as one store operation: take the conversation's lease,
 * read the conversation and, for a turn whose events are logged, create the turn's event
 * log. On Redis that is one round trip instead of three.
 */
public interface TurnStarts {

	/**
	 * Starts a turn.
	 * @param key the conversation
	 * @param turnId the turn that will hold the lease
	 * @param leaseTtl how long the lease lives without renewal
	 * @param eventLogTtl the time to live of the turn's event log, or {@code null} for a
	 * turn without one
	 * @return the lease and the conversation as it stands; errors with
	 * {@link TurnConflictException} if another turn holds the lease, or with the store's
	 * failure, and then no lease is held and no log was created
	 */
	Mono<StartedTurn> start(ConversationKey key, String turnId, Duration leaseTtl, @Nullable Duration eventLogTtl);

	/**
	 * Returns the start made of the three stores' own operations, one after another: for
	 * stores in this process, where a round trip costs nothing.
	 * @param leases the leases
	 * @param conversations the conversations
	 * @param eventLog the turn event logs
	 * @return the turn starts
	 */
	static TurnStarts sequential(TurnLeases leases, ConversationStore conversations, TurnEventLog eventLog) {
		return (key, turnId, leaseTtl, eventLogTtl) -> leases.acquire(key, turnId, leaseTtl).flatMap((lease) -> {
			Mono<Void> log = (eventLogTtl != null) ? eventLog.create(new TurnKey(key, turnId), eventLogTtl)
					: Mono.empty();
			return log.then(conversations.find(key))
				.map((conversation) -> new StartedTurn(lease, conversation))
				.defaultIfEmpty(new StartedTurn(lease, null))
				.onErrorResume((ex) -> leases.release(lease)
					.onErrorResume((releaseError) -> Mono.empty())
					.then(Mono.error(ex)));
		});
	}

	/**
	 * A started turn.
	 *
	 * @param lease the conversation's lease, held by the turn
	 * @param conversation the conversation, or {@code null} if it does not exist yet
	 */
	record StartedTurn(TurnLease lease, @Nullable Conversation conversation) {
	}

}
