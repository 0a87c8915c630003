package io.toolgate.store.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.IdempotentRequest;
import io.toolgate.store.StoreUnavailableException;
import reactor.core.publisher.Mono;

/**
 * {@link IdempotencyStore} on Redis: one hash per key (fingerprint, claim token, result,
 * time to live), claimed, completed and released by Lua scripts so that each is one
 * atomic step. Redis expires the record. The records of one tenant share a hash slot
 * ({@link RedisKeys#idempotency}), so {@link #claimAll} is one script. Every command is
 * bounded by {@link RedisStoreSettings#commandTimeout()} and errors with
 * {@link StoreUnavailableException} when Redis cannot be reached.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final Duration timeout;

	private final RedisScript claim;

	private final RedisScript claimAll;

	private final RedisScript complete;

	private final RedisScript release;

	private final AtomicLong claims = new AtomicLong();

	// Not SecureRandom: tokens must be unique, not secret, and SecureRandom may block on
	// an event loop.
	private final String tokenPrefix = Long.toHexString(ThreadLocalRandom.current().nextLong());

	/**
	 * Creates the store.
	 * @param commands the shared reactive commands of a standalone or cluster connection
	 * @param keys the key builder
	 * @param settings the command timeout
	 */
	public RedisIdempotencyStore(RedisClusterReactiveCommands<String, String> commands, RedisKeys keys,
			RedisStoreSettings settings) {
		this.commands = Objects.requireNonNull(commands, "commands");
		this.keys = Objects.requireNonNull(keys, "keys");
		this.timeout = settings.commandTimeout();
		this.claim = new RedisScript(commands, RedisScripts.IDEMPOTENCY_CLAIM);
		this.claimAll = new RedisScript(commands, RedisScripts.IDEMPOTENCY_CLAIM_ALL);
		this.complete = new RedisScript(commands, RedisScripts.IDEMPOTENCY_COMPLETE);
		this.release = new RedisScript(commands, RedisScripts.IDEMPOTENCY_RELEASE);
	}

	/**
	 * {@inheritDoc}
	 * @throws IllegalArgumentException (at call time) if {@code ttl} is shorter than 1 ms
	 */
	@Override
	public Mono<IdempotencyClaim> claim(String scope, String key, String requestFingerprint, Duration ttl) {
		if (ttl.isNegative() || ttl.toMillis() < 1) {
			throw new IllegalArgumentException("ttl must be at least 1 ms");
		}
		Objects.requireNonNull(requestFingerprint, "requestFingerprint");
		return Mono.defer(() -> {
			String token = this.tokenPrefix + "-" + Long.toHexString(this.claims.incrementAndGet());
			return this.claim
				.run(this.commands, new String[] { this.keys.idempotency(scope, key) }, requestFingerprint, token,
						Long.toString(ttl.toMillis()))
				.<IdempotencyClaim>map((reply) -> switch ((String) reply.get(0)) {
					case "claimed" -> new IdempotencyClaim.Claimed(scope, key, requestFingerprint, token);
					case "completed" -> new IdempotencyClaim.Completed((String) reply.get(1));
					case "running" -> new IdempotencyClaim.InProgress();
					default -> new IdempotencyClaim.Mismatch();
				});
		}).transform(RedisOperators.guard(this.timeout, "Claiming an idempotency key"));
	}

	/**
	 * {@inheritDoc} One script, one round trip.
	 * @throws IllegalArgumentException (at call time) if {@code ttl} is shorter than 1 ms
	 */
	@Override
	public Mono<List<IdempotencyClaim>> claimAll(String scope, List<IdempotentRequest> requests, Duration ttl) {
		if (ttl.isNegative() || ttl.toMillis() < 1) {
			throw new IllegalArgumentException("ttl must be at least 1 ms");
		}
		if (requests.isEmpty()) {
			return Mono.just(List.of());
		}
		return Mono.defer(() -> {
			String[] keys = new String[requests.size()];
			String[] args = new String[1 + 2 * requests.size()];
			String[] tokens = new String[requests.size()];
			args[0] = Long.toString(ttl.toMillis());
			for (int i = 0; i < requests.size(); i++) {
				keys[i] = this.keys.idempotency(scope, requests.get(i).key());
				tokens[i] = this.tokenPrefix + "-" + Long.toHexString(this.claims.incrementAndGet());
				args[1 + 2 * i] = requests.get(i).fingerprint();
				args[2 + 2 * i] = tokens[i];
			}
			return this.claimAll.run(this.commands, keys, args).map((reply) -> claims(scope, requests, tokens, reply));
		}).transform(RedisOperators.guard(this.timeout, "Claiming idempotency keys"));
	}

	private static List<IdempotencyClaim> claims(String scope, List<IdempotentRequest> requests, String[] tokens,
			List<Object> reply) {
		List<IdempotencyClaim> claims = new ArrayList<>(requests.size());
		for (int i = 0; i < requests.size(); i++) {
			IdempotentRequest request = requests.get(i);
			claims.add(switch ((String) reply.get(2 * i)) {
				case "claimed" -> new IdempotencyClaim.Claimed(scope, request.key(), request.fingerprint(), tokens[i]);
				case "completed" -> new IdempotencyClaim.Completed((String) reply.get(2 * i + 1));
				case "running" -> new IdempotencyClaim.InProgress();
				default -> new IdempotencyClaim.Mismatch();
			});
		}
		return claims;
	}

	@Override
	public Mono<Void> complete(IdempotencyClaim.Claimed claim, String resultJson) {
		Objects.requireNonNull(resultJson, "resultJson");
		return Mono
			.defer(() -> this.complete.run(this.commands,
					new String[] { this.keys.idempotency(claim.scope(), claim.key()) }, claim.token(), resultJson))
			.transform(RedisOperators.guard(this.timeout, "Completing an idempotency key"))
			.then();
	}

	@Override
	public Mono<Void> release(IdempotencyClaim.Claimed claim) {
		return Mono
			.defer(() -> this.release.run(this.commands,
					new String[] { this.keys.idempotency(claim.scope(), claim.key()) }, claim.token()))
			.transform(RedisOperators.guard(this.timeout, "Releasing an idempotency key"))
			.then();
	}

}
