package io.toolgate.store.redis;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.cluster.api.reactive.RedisClusterReactiveCommands;
import io.toolgate.store.IdempotencyClaim;
import io.toolgate.store.IdempotencyStore;
import io.toolgate.store.StoreUnavailableException;
import reactor.core.publisher.Mono;

/**
 * {@link IdempotencyStore} on Redis: one hash per key (fingerprint, claim token, result, time to live), claimed,
 * completed and released by Lua scripts so that each is one atomic step. Redis expires the record. Every command is
 * bounded by {@link RedisStoreSettings#commandTimeout()} and errors with {@link StoreUnavailableException} when Redis
 * cannot be reached.
 */
public final class RedisIdempotencyStore implements IdempotencyStore {

	private static final String CLAIM = """
			-- KEYS: record; ARGV: fingerprint, token, ttl
			local record = redis.call('HMGET', KEYS[1], 'fp', 'result')
			if not record[1] then
				redis.call('HSET', KEYS[1], 'fp', ARGV[1], 'token', ARGV[2], 'ttl', ARGV[3])
				redis.call('PEXPIRE', KEYS[1], ARGV[3])
				return {'claimed'}
			end
			if record[1] ~= ARGV[1] then
				return {'mismatch'}
			end
			if record[2] then
				return {'completed', record[2]}
			end
			return {'running'}
			""";

	private static final String COMPLETE = """
			-- KEYS: record; ARGV: token, result
			local record = redis.call('HMGET', KEYS[1], 'token', 'result', 'ttl')
			if record[1] == ARGV[1] and not record[2] then
				redis.call('HSET', KEYS[1], 'result', ARGV[2])
				redis.call('PEXPIRE', KEYS[1], record[3])
			end
			return {'ok'}
			""";

	private static final String RELEASE = """
			-- KEYS: record; ARGV: token
			local record = redis.call('HMGET', KEYS[1], 'token', 'result')
			if record[1] == ARGV[1] and not record[2] then
				redis.call('DEL', KEYS[1])
			end
			return {'ok'}
			""";

	private final RedisClusterReactiveCommands<String, String> commands;

	private final RedisKeys keys;

	private final Duration timeout;

	private final RedisScript claim;

	private final RedisScript complete;

	private final RedisScript release;

	private final AtomicLong claims = new AtomicLong();

	// Not SecureRandom: tokens must be unique, not secret, and SecureRandom may block on an event loop.
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
		this.claim = new RedisScript(commands, CLAIM);
		this.complete = new RedisScript(commands, COMPLETE);
		this.release = new RedisScript(commands, RELEASE);
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
