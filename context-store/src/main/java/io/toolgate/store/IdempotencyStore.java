package io.toolgate.store;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Idempotency records with the semantics of the {@code Idempotency-Key} header: the same
 * key with the same request gives the stored result, even while the first request still
 * runs; the same key with another request is refused. A record lives for the time to live
 * given when it was claimed, counted again from completion; a claim whose owner dies
 * without completing or releasing it blocks its key until then. Every method is
 * non-blocking and lazy, and errors with {@link StoreUnavailableException} if the backing
 * store cannot be reached.
 */
public interface IdempotencyStore {

	/**
	 * Claims a key for a request, or tells what became of an earlier request with that
	 * key.
	 * @param scope what the key is unique within: {@code <operation>:<tenant>}, e.g.
	 * {@code turn-call:acme}; a store may keep the records of one tenant together
	 * @param key the idempotency key
	 * @param requestFingerprint identifies the request, e.g. a hash of its body; compared
	 * for equality only
	 * @param ttl how long the record is kept, positive
	 * @return {@link IdempotencyClaim.Claimed} if the key was free,
	 * {@link IdempotencyClaim.Completed} or {@link IdempotencyClaim.InProgress} if the
	 * same request has used it, {@link IdempotencyClaim.Mismatch} if another request has
	 */
	Mono<IdempotencyClaim> claim(String scope, String key, String requestFingerprint, Duration ttl);

	/**
	 * Claims several keys of one scope, as {@link #claim} claims one, in order: a key
	 * that appears twice is claimed by its first request, and the second gets
	 * {@link IdempotencyClaim.InProgress} or {@link IdempotencyClaim.Mismatch}. The
	 * default claims them one after the other; a store that can claims them in one step.
	 * @param scope what the keys are unique within
	 * @param requests the keys and their requests
	 * @param ttl how long each record is kept, positive
	 * @return one claim per request, in the requests' order
	 */
	default Mono<List<IdempotencyClaim>> claimAll(String scope, List<IdempotentRequest> requests, Duration ttl) {
		return Flux.fromIterable(requests)
			.concatMap((request) -> claim(scope, request.key(), request.fingerprint(), ttl))
			.collectList();
	}

	/**
	 * Stores the result of a claimed request; later claims with the same request get it.
	 * Does nothing if the claim has been released or has expired.
	 * @param claim the claim
	 * @param resultJson the result, an opaque JSON document
	 * @return completion
	 */
	Mono<Void> complete(IdempotencyClaim.Claimed claim, String resultJson);

	/**
	 * Gives up a claim after the request failed, so that the key can be claimed again.
	 * Does nothing if the claim is no longer held.
	 * @param claim the claim
	 * @return completion
	 */
	Mono<Void> release(IdempotencyClaim.Claimed claim);

	/**
	 * Claims a key like {@link #claim}, but while the same request is in progress
	 * elsewhere waits (polling) until it completes or is released, at most
	 * {@code timeout}.
	 * @param scope what the key is unique within
	 * @param key the idempotency key
	 * @param requestFingerprint identifies the request
	 * @param ttl how long the record is kept if this call claims it
	 * @param timeout how long to wait
	 * @return as {@link #claim}; {@link IdempotencyClaim.InProgress} only if the other
	 * request is still running after {@code timeout}
	 */
	default Mono<IdempotencyClaim> await(String scope, String key, String requestFingerprint, Duration ttl,
			Duration timeout) {
		return Mono.defer(() -> {
			long deadline = System.nanoTime() + timeout.toNanos();
			// The deadline is checked between attempts rather than by cancelling one, so
			// that a claim granted by the
			// store is always returned to the caller and never orphaned.
			return Mono.defer(() -> claim(scope, key, requestFingerprint, ttl))
				.filter((claim) -> !(claim instanceof IdempotencyClaim.InProgress) || System.nanoTime() >= deadline)
				.repeatWhenEmpty((attempts) -> attempts.delayElements(Duration.ofMillis(50)));
		});
	}

}
