package io.toolgate.store;

import java.time.Duration;

import reactor.core.publisher.Mono;

/**
 * Grants at most one running turn per conversation. A lease lives for its time to live
 * unless renewed, so the conversation becomes usable again when a replica holding it
 * dies.
 */
public interface TurnLeases {

	/**
	 * Takes the conversation's lease for a turn.
	 * @param key the conversation
	 * @param turnId the turn that will hold it
	 * @param ttl how long the lease lives without renewal
	 * @return the lease; errors with {@link TurnConflictException} if another turn holds
	 * it
	 */
	Mono<TurnLease> acquire(ConversationKey key, String turnId, Duration ttl);

	/**
	 * Extends a lease.
	 * @param lease the lease
	 * @param ttl the new time to live from now
	 * @return {@code true} if renewed, {@code false} if the lease was lost (expired or
	 * taken by another turn)
	 */
	Mono<Boolean> renew(TurnLease lease, Duration ttl);

	/**
	 * Releases a lease if it is still held; releasing a lost lease does nothing.
	 * @param lease the lease
	 * @return completion
	 */
	Mono<Void> release(TurnLease lease);

	/**
	 * Tells whether a turn still holds its conversation's lease: {@code false} once the
	 * lease expired, was released or was taken by another turn. Lets readers of a turn
	 * tell a quiet turn from an abandoned one.
	 * @param key the conversation
	 * @param turnId the turn
	 * @return whether the turn holds the lease now
	 */
	Mono<Boolean> isHeld(ConversationKey key, String turnId);

}
