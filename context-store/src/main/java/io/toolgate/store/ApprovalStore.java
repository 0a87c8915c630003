package io.toolgate.store;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tool calls held for a reviewer's decision, and the decisions, shared by every replica:
 * a turn suspends after {@link #hold holding} its calls, and whichever replica takes the
 * decision that settles the step continues it, under a claim
 * ({@link #claimContinuation}); a step whose continuation nobody marked done is listed
 * again ({@link #settledSteps}) so that another replica can continue it. Every method is
 * non-blocking and lazy, and errors with {@link StoreUnavailableException} if the backing
 * store cannot be reached. Instants are kept to the millisecond.
 */
public interface ApprovalStore {

	/**
	 * Stores the pending approvals of one step of a turn.
	 * @param step the approvals, all pending and of the same step
	 * ({@link Approval#sameStep})
	 * @param retention how long a record is kept past its expiry, positive
	 * @return completion
	 */
	Mono<Void> hold(List<Approval> step, Duration retention);

	/**
	 * Finds an approval of a tenant.
	 * @param tenant the tenant
	 * @param id the approval id
	 * @return the approval; empty if the tenant has none with this id (another tenant's
	 * is never found)
	 */
	Mono<Approval> find(String tenant, String id);

	/**
	 * Lists a tenant's pending approvals, those expiring first first.
	 * @param tenant the tenant
	 * @param limit the most to return, at least 1
	 * @return the approvals
	 */
	Flux<Approval> pending(String tenant, int limit);

	/**
	 * Decides an approval, atomically: only the first decision is taken; later ones get
	 * the approval with the decision taken. The call that decides a step's last pending
	 * approval gets the whole step, once.
	 * @param tenant the tenant
	 * @param id the approval id
	 * @param verdict the decision
	 * @return what was decided; empty if the tenant has no approval with this id
	 */
	Mono<ApprovalDecision> decide(String tenant, String id, ApprovalVerdict verdict);

	/**
	 * Lists pending approvals of every tenant whose expiry has passed, for the sweep that
	 * expires them with {@link #decide}.
	 * @param now the time to compare expiries with
	 * @param limit the most to return, at least 1
	 * @return the approvals, in no particular order
	 */
	Flux<Approval> due(Instant now, int limit);

	/**
	 * Counts the pending approvals of every tenant.
	 * @return the count
	 */
	Mono<Long> countPending();

	/**
	 * Lists the steps of every tenant whose settling decision ({@link #decide} with a
	 * settled step) was taken at or before a time and whose continuation is not marked
	 * {@link #continued}: turns that may have been left suspended by a replica that
	 * stopped after deciding.
	 * @param settledBefore the latest settling decision time to list
	 * @param limit the most steps to return, at least 1
	 * @return each step's approvals, in no particular order
	 */
	Flux<List<Approval>> settledSteps(Instant settledBefore, int limit);

	/**
	 * Claims the continuation of a settled step, atomically: of the replicas that try
	 * while a claim lives, one gets it. A step marked {@link #continued} or never settled
	 * cannot be claimed.
	 * @param ofStep an approval of the step
	 * @param ttl how long the claim lives, positive; a claimant that does not mark the
	 * step continued within it leaves it to the next
	 * @return whether this call took the claim
	 */
	Mono<Boolean> claimContinuation(Approval ofStep, Duration ttl);

	/**
	 * Marks a settled step's continuation as done: its turn went on (or ended), and
	 * {@link #settledSteps} no longer lists it.
	 * @param ofStep an approval of the step
	 * @return completion
	 */
	Mono<Void> continued(Approval ofStep);

}
